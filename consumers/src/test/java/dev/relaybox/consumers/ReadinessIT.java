package dev.relaybox.consumers;

import static dev.relaybox.consumers.TestSupport.event;
import static dev.relaybox.consumers.TestSupport.queryLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * {@code /ready} tells the truth during a rebalance stall: a handler blocks, a second member joins,
 * and the runner's poll thread waits in the revocation for the blocked work; {@code /ready} turns
 * 503 naming the rebalance once the stall passes {@code readyStallTimeout} (while {@code /health}
 * stays 200), and 200 again once the work ends and the runner holds its partition again.
 */
class ReadinessIT extends EffectsTopicTestBase {

  ReadinessIT() {
    super("ready", 1, 4);
  }

  @Test
  void readyFailsDuringARebalanceStallAndReturnsAfterIt(DevStack stack) throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    EventHandler effect = TestSupport.effectsHandler(effects);
    EventHandler handler =
        (e, tx) -> {
          if (e.key().equals("block")) {
            entered.countDown();
            release.await(120, TimeUnit.SECONDS);
          }
          effect.handle(e, tx);
        };
    try (ConsumerRunner runner =
            TestSupport.runner(stack, ds, group, topic)
                .handler(handler)
                .readyStallTimeout(Duration.ofSeconds(2))
                .shutdownTimeout(Duration.ofSeconds(120))
                .build()
                .start();
        HealthServer health =
            HealthServer.start(new InetSocketAddress("127.0.0.1", 0), List.of(runner), null)) {
      await().atMost(Duration.ofSeconds(60)).until(runner::isReady);
      assertThat(get(health, "/ready").statusCode()).isEqualTo(200);
      TestSupport.sendAll(stack, List.of(event(topic, UUID.randomUUID(), "block", "b")));
      assertThat(entered.await(60, TimeUnit.SECONDS)).isTrue();

      AtomicBoolean stop = new AtomicBoolean();
      Thread second = new Thread(() -> secondMember(stack, stop), "second-member");
      second.start();
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> get(health, "/ready").statusCode() == 503);
        assertThat(get(health, "/ready").body())
            .contains(group + " DOWN (poll loop has not returned for")
            .contains("rebalancing: partitions [" + topic + "-0] revoked");
        assertThat(get(health, "/health").statusCode()).isEqualTo(200);
        assertThat(runner.isReady()).isFalse();

        release.countDown();
        // The second member may win the partition: the runner then truthfully holds none.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> !get(health, "/ready").body().contains("poll loop has not returned"));
      } finally {
        release.countDown();
        stop.set(true);
        second.join(30_000);
      }
      await().atMost(Duration.ofSeconds(60)).until(runner::isReady);
      assertThat(get(health, "/ready").statusCode()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> queryLong(ds, "SELECT count(*) FROM " + effects) == 1);
    }
  }

  /** Joins the group and polls (committing nothing) until {@code stop}; leaves on close. */
  private void secondMember(DevStack stack, AtomicBoolean stop) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.kafka().bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            "false",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (!stop.get()) {
        consumer.poll(Duration.ofMillis(200));
      }
    }
  }

  private static HttpResponse<String> get(HealthServer health, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + health.address().getPort() + path);
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }
}
