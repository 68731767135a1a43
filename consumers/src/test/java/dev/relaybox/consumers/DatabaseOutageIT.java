package dev.relaybox.consumers;

import static dev.relaybox.consumers.TestSupport.count;
import static dev.relaybox.consumers.TestSupport.event;
import static dev.relaybox.consumers.TestSupport.queryLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.IsolatedDevStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Postgres crashes mid-stream: the work goes back to its keys and is retried with backoff, nothing
 * lost, nothing doubled, and no key parked (an outage is not the events' fault).
 */
@IsolatedDevStack(schemaRegistry = false)
class DatabaseOutageIT extends EffectsTopicTestBase {

  DatabaseOutageIT() {
    super("outage", 3, 3);
  }

  @Test
  void batchesAreRewoundWhileTheDatabaseIsDownAndAppliedOnceAfter(DevStack stack) throws Exception {
    int n = 3_000;
    ds.setConnectionTimeout(1_000);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      records.add(event(topic, UUID.randomUUID(), "order-" + i, "body-" + i));
    }
    TestSupport.sendAll(stack, records);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ConsumerRunner runner =
        TestSupport.runner(stack, ds, group, topic)
            .handler(TestSupport.effectsHandler(effects))
            .meterRegistry(registry)
            .consumerProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50")
            .build()
            .start()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(registry, ConsumerMetrics.PROCESSED) >= 300);
      stack.postgres().crash();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> count(registry, ConsumerMetrics.BATCH_FAILURES) >= 2);
      assertThat(runner.isHealthy()).isTrue();
      stack.postgres().start();
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions() // the test's own queries fail until recovery completes
          .until(() -> queryLong(ds, "SELECT count(*) FROM " + effects) >= n);
      // A commit that reached the disk just before the crash looks failed to the runner: its
      // events come back and are skipped as duplicates, so count both.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  count(registry, ConsumerMetrics.PROCESSED)
                          + count(registry, ConsumerMetrics.DUPLICATES)
                      >= n);
    }
    assertThat(queryLong(ds, "SELECT count(*) FROM " + effects)).isEqualTo(n);
    assertThat(queryLong(ds, "SELECT count(DISTINCT event_id) FROM " + effects)).isEqualTo(n);
    assertThat(TestSupport.retryRows(ds, group)).isZero();
    assertThat(TestSupport.deadSet(ds, group).list(group, null, null, 10)).isEmpty();
    assertThat(count(registry, ConsumerMetrics.RETRIED)).isZero();
  }
}
