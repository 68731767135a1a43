package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.ConsumerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicLong;

/** The runner's meters; Micrometer caches meters by name and tags, so lookups are cheap. */
final class RunnerMetrics {

  private final MeterRegistry registry;
  private final String group;
  private final Timer batchLatency;
  private final Counter batchFailures;
  private final Counter processedKeysDeleted;
  private final Counter sweepFailures;
  private final AtomicLong lag = new AtomicLong();

  RunnerMetrics(MeterRegistry registry, String group) {
    this.registry = registry;
    this.group = group;
    this.batchLatency =
        Timer.builder(ConsumerMetrics.BATCH_LATENCY)
            .description("One poll batch from decoding to offset commit")
            .tag("group", group)
            .register(registry);
    this.batchFailures =
        groupCounter(
            ConsumerMetrics.BATCH_FAILURES,
            "Batches rewound because the database or the dead-letter topic failed");
    this.processedKeysDeleted =
        groupCounter(
            ConsumerMetrics.PROCESSED_KEYS_DELETED,
            "Processed keys deleted by the retention sweeper");
    this.sweepFailures =
        groupCounter(
            ConsumerMetrics.PROCESSED_KEYS_SWEEP_FAILURES,
            "Retention sweeps that failed and wait for the next interval");
    Gauge.builder(ConsumerMetrics.LAG, lag, AtomicLong::get)
        .description("Records behind the log end over the assigned partitions")
        .tag("group", group)
        .register(registry);
  }

  void processed(String topic, long n) {
    counter(ConsumerMetrics.PROCESSED, topic).increment(n);
  }

  void duplicates(String topic, long n) {
    counter(ConsumerMetrics.DUPLICATES, topic).increment(n);
  }

  void retried(String topic) {
    counter(ConsumerMetrics.RETRIED, topic).increment();
  }

  void deadLettered(String topic, String reason) {
    registry
        .counter(ConsumerMetrics.DEAD_LETTERED, "group", group, "topic", topic, "reason", reason)
        .increment();
  }

  Timer handlerLatency(String topic) {
    return registry.timer(ConsumerMetrics.HANDLER_LATENCY, "group", group, "topic", topic);
  }

  Timer batchLatency() {
    return batchLatency;
  }

  void batchFailed() {
    batchFailures.increment();
  }

  void processedKeysDeleted(long n) {
    processedKeysDeleted.increment(n);
  }

  void sweepFailed() {
    sweepFailures.increment();
  }

  void lag(long value) {
    lag.set(value);
  }

  private Counter groupCounter(String name, String description) {
    return Counter.builder(name).description(description).tag("group", group).register(registry);
  }

  private Counter counter(String name, String topic) {
    return registry.counter(name, "group", group, "topic", topic);
  }
}
