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

  /**
   * Counter, tags group and topic: transient failures that will be retried (the first one parks the
   * key, each further one reschedules its head).
   */
  public static final String RETRIED = "relaybox.consumer.events.retried";

  /** Counter, tags group, topic and reason: events moved to the dead set (and its DLQ topic). */
  public static final String DEAD_LETTERED = "relaybox.consumer.events.dead.lettered";

  /** Timer, tags group and topic: time spent in handler code per event (both phases). */
  public static final String HANDLER_LATENCY = "relaybox.consumer.handler.latency";

  /**
   * Timer, tag group: one batch, the ready events a worker runs in one transaction (one event for
   * slow handlers, hundreds for fast ones), from its start to its settlement.
   */
  public static final String BATCH_LATENCY = "relaybox.consumer.batch.latency";

  /**
   * Counter, tag group: batches undone and run again later because the database, the schema
   * registry or the runner's own tables failed (nothing is parked for that).
   */
  public static final String BATCH_FAILURES = "relaybox.consumer.batch.failures";

  /** Gauge, tag group: events being handled right now (at most {@code maxInFlight} at once). */
  public static final String IN_FLIGHT = "relaybox.consumer.inflight";

  /** Timer, tags group and topic: per-key wait, from the poll to the start of its handling. */
  public static final String KEY_WAIT = "relaybox.consumer.key.wait";

  /**
   * Gauge, tag group: keys of the group that are parked, in the retry set or behind a dead event
   * (group-wide, refreshed every second).
   */
  public static final String PARKED_KEYS = "relaybox.consumer.parked.keys";

  /** Gauge, tag group: events in the group's retry set (group-wide). */
  public static final String RETRY_SET_SIZE = "relaybox.consumer.retry.set.size";

  /** Gauge, tag group: events in the group's dead set waiting for an operator (group-wide). */
  public static final String DEAD_SET_SIZE = "relaybox.consumer.dead.set.size";

  /** Time gauge, tag group: age of the oldest parked event of the group; 0 when none. */
  public static final String OLDEST_PARKED_AGE = "relaybox.consumer.parked.oldest.age";

  /**
   * Gauge, tag group: 1 while the runner takes no new records because the parked keys or events
   * reached their bounds ({@code maxParkedKeys}, {@code maxParkedEvents}), else 0.
   */
  public static final String INTAKE_PAUSED = "relaybox.consumer.intake.paused";

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
