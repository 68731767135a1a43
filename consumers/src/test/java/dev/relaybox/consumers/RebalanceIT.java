package dev.relaybox.consumers;

import static dev.relaybox.consumers.TestSupport.bodies;
import static dev.relaybox.consumers.TestSupport.count;
import static dev.relaybox.consumers.TestSupport.event;
import static dev.relaybox.consumers.TestSupport.queryLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Partitions move between members while work is in flight, and while keys are parked. */
class RebalanceIT extends EffectsTopicTestBase {

  RebalanceIT() {
    super("rb", 4, 20);
  }

  /**
   * A second member joins while the first is inside transactions that outlast its drain timeout
   * (half of max.poll.interval.ms): the first gives the partitions up with that work unfinished,
   * the second re-reads the same events, and the processed keys turn every re-read into a counted
   * duplicate.
   */
  @Test
  void workStillRunningWhenPartitionsMoveIsNotAppliedTwice(DevStack stack) throws Exception {
    int n = 2_000;
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      records.add(event(topic, UUID.randomUUID(), "order-" + (i % 100), "body-" + i));
    }
    TestSupport.sendAll(stack, records);

    EventHandler effect = TestSupport.effectsHandler(effects);
    CountDownLatch slowStarted = new CountDownLatch(1);
    AtomicInteger slowEvents = new AtomicInteger(8);
    EventHandler slowAtFirst =
        (event, tx) -> {
          effect.handle(event, tx);
          if (slowEvents.getAndDecrement() > 0) {
            slowStarted.countDown();
            // Holds its transaction (and its processed key) across the rebalance.
            TimeUnit.SECONDS.sleep(4);
          }
        };
    SimpleMeterRegistry first = new SimpleMeterRegistry();
    SimpleMeterRegistry second = new SimpleMeterRegistry();
    try (ConsumerRunner a =
            TestSupport.runner(stack, ds, group, topic)
                .handler(slowAtFirst)
                .maxInFlight(8)
                .meterRegistry(first)
                .consumerProperty(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "2000")
                .consumerProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100")
                .build()
                .start();
        ConsumerRunner b =
            startAfter(
                slowStarted,
                TestSupport.runner(stack, ds, group, topic)
                    .handler(effect)
                    .maxInFlight(8)
                    .meterRegistry(second)
                    .consumerProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100"))) {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  count(first, ConsumerMetrics.PROCESSED) + count(second, ConsumerMetrics.PROCESSED)
                      >= n);
      assertThat(count(first, ConsumerMetrics.PROCESSED)).isPositive();
      assertThat(count(second, ConsumerMetrics.PROCESSED)).isPositive();
      // Events whose transactions were still open when their partition moved were read again.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  count(first, ConsumerMetrics.DUPLICATES)
                          + count(second, ConsumerMetrics.DUPLICATES)
                      > 0);
      assertThat(count(first, ConsumerMetrics.PROCESSED) + count(second, ConsumerMetrics.PROCESSED))
          .isEqualTo(n);
    }
    assertThat(queryLong(ds, "SELECT count(*) FROM " + effects)).isEqualTo(n);
    assertThat(queryLong(ds, "SELECT count(DISTINCT event_id) FROM " + effects)).isEqualTo(n);
  }

  /**
   * A key parked by one member stays parked for the member that owns its partition next: the next
   * owner keeps retrying its head (attempts counted on from the first member's), queues its new
   * events behind, and applies all of them in order once the failure heals.
   */
  @Test
  void aParkedKeyIsHonouredByTheNextOwner(DevStack stack) throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      if (i % 40 == 0) {
        records.add(event(topic, UUID.randomUUID(), "x", "x-" + (i / 40 + 1)));
      }
      records.add(event(topic, UUID.randomUUID(), "k" + (i % 20), "k-" + i));
    }
    TestSupport.sendAll(stack, records);
    AtomicBoolean failing = new AtomicBoolean(true);
    EventHandler effect = TestSupport.effectsHandler(effects);
    EventHandler handler =
        (e, tx) -> {
          if (e.key().equals("x") && failing.get()) {
            throw new RetryableEventException(
                "x's downstream is down (attempt " + e.attempt() + ")");
          }
          effect.handle(e, tx);
        };
    String headAttempt =
        "SELECT coalesce(max(attempt), 0) FROM "
            + group
            + "_keys_retry_set WHERE next_attempt_at IS NOT NULL";
    long attemptsByFirst;
    try (ConsumerRunner a = member(stack, handler).build().start()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> queryLong(ds, "SELECT count(*) FROM " + effects) == 200);
      await().atMost(Duration.ofSeconds(30)).until(() -> queryLong(ds, headAttempt) >= 3);
      assertThat(TestSupport.retryRows(ds, group)).isEqualTo(5);
    }
    attemptsByFirst = queryLong(ds, headAttempt);
    TestSupport.sendAll(
        stack,
        List.of(
            event(topic, UUID.randomUUID(), "x", "x-6"),
            event(topic, UUID.randomUUID(), "k0", "k-200")));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ConsumerRunner b = member(stack, handler).meterRegistry(registry).build().start()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> queryLong(ds, "SELECT count(*) FROM " + effects) == 201);
      // x-6 went behind the parked head instead of running live.
      await().atMost(Duration.ofSeconds(30)).until(() -> TestSupport.retryRows(ds, group) == 6);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> queryLong(ds, headAttempt) > attemptsByFirst);
      assertThat(bodies(ds, effects, "x")).isEmpty();
      failing.set(false);
      await().atMost(Duration.ofSeconds(60)).until(() -> bodies(ds, effects, "x").size() == 6);
      assertThat(bodies(ds, effects, "x"))
          .containsExactly("x-1", "x-2", "x-3", "x-4", "x-5", "x-6");
      await().atMost(Duration.ofSeconds(10)).until(() -> TestSupport.retryRows(ds, group) == 0);
    }
    assertThat(queryLong(ds, "SELECT count(DISTINCT event_id) FROM " + effects)).isEqualTo(207);
    assertThat(queryLong(ds, "SELECT count(*) FROM " + effects)).isEqualTo(207);
  }

  private ConsumerRunner.Builder member(DevStack stack, EventHandler handler) {
    return TestSupport.runner(stack, ds, group, topic)
        .handler(handler)
        .maxAttempts(1_000)
        .initialBackoff(Duration.ofMillis(100))
        .maxBackoff(Duration.ofMillis(300));
  }

  private static ConsumerRunner startAfter(CountDownLatch latch, ConsumerRunner.Builder builder)
      throws InterruptedException {
    assertThat(latch.await(60, TimeUnit.SECONDS)).as("first member started slow work").isTrue();
    return builder.build().start();
  }
}
