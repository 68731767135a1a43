package dev.relaybox.consumers;

/**
 * Names of the Micrometer meters a {@link ConsumerRunner} registers, each tagged {@code group} (and
 * {@code topic} where it says so). Prometheus renders the dots as underscores and adds {@code
 * _total} to counters and {@code _seconds} to timers, e.g. {@code
 * relaybox_consumer_events_processed_total}.
 */
public final class ConsumerMetrics {

  /** Counter, tags group and topic: events whose effect was committed. */
  public static final String PROCESSED = "relaybox.consumer.events.processed";

  /** Counter, tags group and topic: events skipped because their key was already processed. */
  public static final String DUPLICATES = "relaybox.consumer.events.duplicates";

  /** Counter, tags group and topic: retries scheduled after a transient failure. */
  public static final String RETRIED = "relaybox.consumer.events.retried";

  /** Counter, tags group, topic and reason: events sent to the dead-letter topic. */
  public static final String DEAD_LETTERED = "relaybox.consumer.events.dead.lettered";

  /** Timer, tags group and topic: time spent in handler code per event (both phases). */
  public static final String HANDLER_LATENCY = "relaybox.consumer.handler.latency";

  /** Timer, tag group: one poll batch from decoding to Kafka offset commit. */
  public static final String BATCH_LATENCY = "relaybox.consumer.batch.latency";

  /** Counter, tag group: batches rolled back and retried as a whole (database or DLQ down). */
  public static final String BATCH_FAILURES = "relaybox.consumer.batch.failures";

  /** Gauge, tag group: records behind the log end summed over the assigned partitions. */
  public static final String LAG = "relaybox.consumer.lag";

  /**
   * Counter, tag group: processed keys deleted by the retention sweeper ({@link
   * ConsumerRunner.Builder#processedKeysRetention}).
   */
  public static final String PROCESSED_KEYS_DELETED = "relaybox.consumer.processed.keys.deleted";

  /**
   * Counter, tag group: retention sweeps that failed (database unreachable...); each is retried at
   * the next interval. A rising count means the processed-keys table is growing again.
   */
  public static final String PROCESSED_KEYS_SWEEP_FAILURES =
      "relaybox.consumer.processed.keys.sweep.failures";

  private ConsumerMetrics() {}
}
