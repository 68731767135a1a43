package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.ConsumerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** The runner's meters; Micrometer caches meters by name and tags, so lookups are cheap. */
final class RunnerMetrics {

  private final MeterRegistry registry;
  private final String group;
  private final Timer batchLatency;
  private final Counter batchFailures;
  private final Counter processedKeysDeleted;
  private final Counter sweepFailures;
  private final AtomicLong lag = new AtomicLong();
  private final AtomicLong parkedKeys = new AtomicLong();
  private final AtomicLong retrySetSize = new AtomicLong();
  private final AtomicLong deadSetSize = new AtomicLong();
  private final AtomicLong oldestParkedSeconds = new AtomicLong();
  private final AtomicLong intakePaused = new AtomicLong();
  private final Map<String, Timer> keyWait = new ConcurrentHashMap<>();
  private final Map<String, Timer> handlerLatency = new ConcurrentHashMap<>();

  RunnerMetrics(MeterRegistry registry, String group) {
    this.registry = registry;
    this.group = group;
    this.batchLatency =
        Timer.builder(ConsumerMetrics.BATCH_LATENCY)
            .description("One batch of events run in one transaction, start to settlement")
            .tag("group", group)
            .register(registry);
    this.batchFailures =
        groupCounter(
            ConsumerMetrics.BATCH_FAILURES,
            "Batches undone because the database, the registry or the sets failed");
    this.processedKeysDeleted =
        groupCounter(
            ConsumerMetrics.PROCESSED_KEYS_DELETED,
            "Processed keys deleted by the retention sweeper");
    this.sweepFailures =
        groupCounter(
            ConsumerMetrics.PROCESSED_KEYS_SWEEP_FAILURES,
            "Retention sweeps that failed and wait for the next interval");
    gauge(ConsumerMetrics.LAG, lag, "Records behind the log end over the assigned partitions");
    gauge(ConsumerMetrics.PARKED_KEYS, parkedKeys, "Parked keys of the group");
    gauge(ConsumerMetrics.RETRY_SET_SIZE, retrySetSize, "Events in the group's retry set");
    gauge(ConsumerMetrics.DEAD_SET_SIZE, deadSetSize, "Dead events waiting for an operator");
    gauge(ConsumerMetrics.INTAKE_PAUSED, intakePaused, "1 while intake waits for parked keys");
    TimeGauge.builder(
            ConsumerMetrics.OLDEST_PARKED_AGE,
            oldestParkedSeconds,
            TimeUnit.SECONDS,
            AtomicLong::doubleValue)
        .description("Age of the oldest parked event of the group")
        .tag("group", group)
        .register(registry);
  }

  /**
   * Registers the per-topic counters of {@code topic} at 0, so that dashboards and alerts find them
   * (and {@code rate()} works) before the first event of each kind.
   */
  void topic(String topic) {
    counter(ConsumerMetrics.PROCESSED, topic);
    counter(ConsumerMetrics.DUPLICATES, topic);
    counter(ConsumerMetrics.RETRIED, topic);
  }

  /** Registers the in-flight gauge, read from the scheduler. */
  void inFlight(Supplier<Number> inFlight) {
    Gauge.builder(ConsumerMetrics.IN_FLIGHT, inFlight)
        .description("Events being handled now")
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
    return handlerLatency.computeIfAbsent(
        topic, t -> registry.timer(ConsumerMetrics.HANDLER_LATENCY, "group", group, "topic", t));
  }

  void keyWait(String topic, long nanos) {
    keyWait
        .computeIfAbsent(
            topic, t -> registry.timer(ConsumerMetrics.KEY_WAIT, "group", group, "topic", t))
        .record(nanos, TimeUnit.NANOSECONDS);
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

  /** Group-wide sizes of the sets, as last counted. */
  void sets(long keys, long retryEvents, long deadEvents, long oldestSeconds) {
    parkedKeys.set(keys);
    retrySetSize.set(retryEvents);
    deadSetSize.set(deadEvents);
    oldestParkedSeconds.set(oldestSeconds);
  }

  void intakePaused(boolean paused) {
    intakePaused.set(paused ? 1 : 0);
  }

  private void gauge(String name, AtomicLong value, String description) {
    Gauge.builder(name, value, AtomicLong::get)
        .description(description)
        .tag("group", group)
        .register(registry);
  }

  private Counter groupCounter(String name, String description) {
    return Counter.builder(name).description(description).tag("group", group).register(registry);
  }

  private Counter counter(String name, String topic) {
    return registry.counter(name, "group", group, "topic", topic);
  }
}
