package dev.relaybox.consumers;

import static dev.relaybox.consumers.TestSupport.event;
import static dev.relaybox.consumers.TestSupport.queryLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * More keys park than {@code maxParkedKeys} allows: the runner stops taking new records (it drops
 * none), says so in /ready, its metrics and pausedReason, and resumes once the keys recover.
 */
class BoundsIT extends EffectsTopicTestBase {

  BoundsIT() {
    super("bounds", 2, 10);
  }

  @Test
  void intakePausesAtTheParkedKeyBoundAndResumesWithoutLosingAnything(DevStack stack)
      throws Exception {
    List<ProducerRecord<byte[], byte[]>> failing = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      failing.add(event(topic, UUID.randomUUID(), "bad-" + (i % 20), "bad-" + i));
    }
    TestSupport.sendAll(stack, failing);
    AtomicBoolean down = new AtomicBoolean(true);
    EventHandler effect = TestSupport.effectsHandler(effects);
    EventHandler handler =
        (e, tx) -> {
          if (e.key().startsWith("bad-") && down.get()) {
            throw new RetryableEventException("downstream of " + e.key() + " is down");
          }
          effect.handle(e, tx);
        };
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (ConsumerRunner runner =
            TestSupport.runner(stack, ds, group, topic)
                .handler(handler)
                .maxParkedKeys(10)
                .maxAttempts(1_000)
                .initialBackoff(Duration.ofMillis(200))
                .maxBackoff(Duration.ofMillis(500))
                .meterRegistry(registry)
                .build()
                .start();
        HealthServer health =
            HealthServer.start(new InetSocketAddress("127.0.0.1", 0), List.of(runner), registry)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  runner
                      .pausedReason()
                      .filter(r -> r.equals("intake paused: parked keys 20/10"))
                      .isPresent());
      assertThat(runner.isReady()).isFalse();
      assertThat(runner.isHealthy()).isTrue();
      HttpResponse<String> ready = get(health, "/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains(group + " DOWN (intake paused: parked keys 20/10)");
      assertThat(TestSupport.gauge(registry, ConsumerMetrics.INTAKE_PAUSED)).isEqualTo(1);
      assertThat(get(health, "/metrics").body())
          .contains("relaybox_consumer_intake_paused{group=\"" + group + "\"} 1.0")
          .contains("relaybox_consumer_parked_keys{group=\"" + group + "\"} 20.0");

      // New events are not taken while paused; nothing of them is lost either.
      List<ProducerRecord<byte[], byte[]>> healthy = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        healthy.add(event(topic, UUID.randomUUID(), "ok-" + (i % 10), "ok-" + i));
      }
      TestSupport.sendAll(stack, healthy);
      String applied = "SELECT count(*) FROM " + effects;
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(10))
          .until(() -> queryLong(ds, applied) == 0 && runner.pausedReason().isPresent());

      down.set(false);
      await().atMost(Duration.ofSeconds(60)).until(() -> queryLong(ds, applied) == 140);
      await().atMost(Duration.ofSeconds(10)).until(() -> runner.pausedReason().isEmpty());
      assertThat(runner.isReady()).isTrue();
      assertThat(get(health, "/ready").statusCode()).isEqualTo(200);
      assertThat(TestSupport.gauge(registry, ConsumerMetrics.INTAKE_PAUSED)).isZero();
    }
    assertThat(queryLong(ds, "SELECT count(DISTINCT event_id) FROM " + effects)).isEqualTo(140);
  }

  private static HttpResponse<String> get(HealthServer server, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
