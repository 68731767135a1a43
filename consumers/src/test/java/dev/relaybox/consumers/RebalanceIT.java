package dev.relaybox.consumers;

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
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A second member joins while the first is inside a batch that outlasts its max.poll.interval: the
 * first loses its partitions mid-batch, its offset commit fails, the second re-reads the same
 * records. The processed-keys table must turn every re-read into a counted duplicate.
 */
class RebalanceIT extends EffectsTopicTestBase {

  RebalanceIT() {
    super("rb", 4, 6);
  }

  @Test
  void partitionRevokedMidBatchIsNotAppliedTwice(DevStack stack) throws Exception {
    int n = 2_000;
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      records.add(event(topic, UUID.randomUUID(), "order-" + (i % 100), "body-" + i));
    }
    TestSupport.sendAll(stack, records);

    EventHandler effect = TestSupport.effectsHandler(effects);
    CountDownLatch firstBatchStarted = new CountDownLatch(1);
    AtomicInteger slowEvents = new AtomicInteger(100);
    EventHandler slowAtFirst =
        (event, tx) -> {
          firstBatchStarted.countDown();
          if (slowEvents.getAndDecrement() > 0) {
            // Simulated slow work: 100 × 40 ms outlasts max.poll.interval.ms = 2 s.
            TimeUnit.MILLISECONDS.sleep(40);
          }
          effect.handle(event, tx);
        };
    SimpleMeterRegistry first = new SimpleMeterRegistry();
    SimpleMeterRegistry second = new SimpleMeterRegistry();
    try (ConsumerRunner a =
            TestSupport.runner(stack, ds, group, topic)
                .handler(slowAtFirst)
                .meterRegistry(first)
                .consumerProperty(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "2000")
                .consumerProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100")
                .build()
                .start();
        ConsumerRunner b =
            startAfter(
                firstBatchStarted,
                TestSupport.runner(stack, ds, group, topic)
                    .handler(effect)
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
      // The second member re-read what the first was still applying.
      assertThat(
              count(first, ConsumerMetrics.DUPLICATES) + count(second, ConsumerMetrics.DUPLICATES))
          .isPositive();
    }
    assertThat(queryLong(ds, "SELECT count(*) FROM " + effects)).isEqualTo(n);
    assertThat(queryLong(ds, "SELECT count(DISTINCT event_id) FROM " + effects)).isEqualTo(n);
  }

  private static ConsumerRunner startAfter(CountDownLatch latch, ConsumerRunner.Builder builder)
      throws InterruptedException {
    assertThat(latch.await(60, TimeUnit.SECONDS)).as("first member started a batch").isTrue();
    return builder.build().start();
  }
}
