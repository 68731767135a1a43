package dev.relaybox.consumers;

import static dev.relaybox.consumers.TestSupport.event;
import static dev.relaybox.consumers.TestSupport.queryLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * One key's handler fails transiently for 10 s while 1,000 events of 100 other keys flow on the
 * same partition: the others all complete while that key still fails, and its 10 events then apply
 * in order, once. Today's partition-level retry would have held all of them back.
 */
class KeyIsolationIT extends EffectsTopicTestBase {

  private static final Duration OUTAGE = Duration.ofSeconds(10);

  KeyIsolationIT() {
    super("iso", 1, 20);
  }

  @Test
  void aFailingKeyParksAloneAndCatchesUpInOrder(DevStack stack) throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    int x = 0;
    for (int i = 0; i < 1_000; i++) {
      if (i % 100 == 0) {
        records.add(event(topic, UUID.randomUUID(), "x", "x-" + x++));
      }
      records.add(event(topic, UUID.randomUUID(), "k" + (i % 100), "k-" + i));
    }
    TestSupport.sendAll(stack, records);

    AtomicLong failingUntil = new AtomicLong();
    EventHandler effect = TestSupport.effectsHandler(effects);
    EventHandler handler =
        (e, tx) -> {
          if (e.key().equals("x")) {
            failingUntil.compareAndSet(0, System.nanoTime() + OUTAGE.toNanos());
            if (System.nanoTime() - failingUntil.get() < 0) {
              throw new RetryableEventException("x's downstream is down");
            }
          }
          effect.handle(e, tx);
        };
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ConsumerRunner runner =
        TestSupport.runner(stack, ds, group, topic)
            .handler(handler)
            .maxInFlight(16)
            .maxAttempts(50)
            .initialBackoff(Duration.ofMillis(200))
            .maxBackoff(Duration.ofSeconds(2))
            .meterRegistry(registry)
            .build()
            .start()) {
      String others = "SELECT count(*) FROM " + effects + " WHERE event_key <> 'x'";
      await().atMost(Duration.ofSeconds(60)).until(() -> queryLong(ds, others) == 1_000);
      // Every other key is done while x is still inside its outage, parked with all 10 events.
      assertThat(System.nanoTime() - failingUntil.get()).isNegative();
      assertThat(TestSupport.bodies(ds, effects, "x")).isEmpty();
      assertThat(TestSupport.retryRows(ds, group)).isEqualTo(10);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> TestSupport.gauge(registry, ConsumerMetrics.PARKED_KEYS) == 1);
      assertThat(TestSupport.gauge(registry, ConsumerMetrics.RETRY_SET_SIZE)).isEqualTo(10);
      // The parked key does not hold the partition's offset back: its events are settled.
      await().atMost(Duration.ofSeconds(5)).until(() -> committed(stack) == records.size());
      assertThat(System.nanoTime() - failingUntil.get()).isNegative();

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> TestSupport.bodies(ds, effects, "x").size() == 10);
      assertThat(TestSupport.bodies(ds, effects, "x"))
          .containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(i -> "x-" + i).toList());
      await().atMost(Duration.ofSeconds(10)).until(() -> TestSupport.retryRows(ds, group) == 0);
      assertThat(TestSupport.count(registry, ConsumerMetrics.RETRIED)).isGreaterThan(1);
    }
    assertThat(queryLong(ds, "SELECT count(*) FROM " + effects)).isEqualTo(1_010);
    assertThat(queryLong(ds, "SELECT count(DISTINCT event_id) FROM " + effects)).isEqualTo(1_010);
    for (int k = 0; k < 100; k++) {
      List<String> bodies = TestSupport.bodies(ds, effects, "k" + k);
      int key = k;
      assertThat(bodies)
          .as("key k%d in offset order", k)
          .containsExactlyElementsOf(
              IntStream.range(0, 10).mapToObj(i -> "k-" + (key + 100 * i)).toList());
    }
  }

  private long committed(DevStack stack) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()))) {
      return admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get()
          .values()
          .stream()
          .mapToLong(OffsetAndMetadata::offset)
          .sum();
    }
  }
}
