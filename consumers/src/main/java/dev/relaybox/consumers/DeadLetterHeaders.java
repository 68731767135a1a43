package dev.relaybox.consumers;

/**
 * Names of the headers the runner adds to a dead-lettered record. The dead-letter record keeps the
 * original key, value bytes and every original header, so it can be replayed as it was; these
 * headers are added after the originals. Values are UTF-8 strings; times are ISO-8601 instants.
 */
public final class DeadLetterHeaders {

  /** Topic the record was consumed from. */
  public static final String ORIGINAL_TOPIC = "relaybox.dlq.original.topic";

  /** Its partition (decimal). */
  public static final String ORIGINAL_PARTITION = "relaybox.dlq.original.partition";

  /** Its offset (decimal). */
  public static final String ORIGINAL_OFFSET = "relaybox.dlq.original.offset";

  /** The consumer group that gave up on it. */
  public static final String CONSUMER_GROUP = "relaybox.dlq.consumer.group";

  /** Why: {@code undecodable}, {@code permanent} or {@code retries-exhausted}. */
  public static final String REASON = "relaybox.dlq.reason";

  /** Fully qualified class name of the last failure. */
  public static final String ERROR_CLASS = "relaybox.dlq.error.class";

  /** Message of the last failure (at most 1,000 characters). */
  public static final String ERROR_MESSAGE = "relaybox.dlq.error.message";

  /** Number of attempts made (decimal, at least 1). */
  public static final String ATTEMPTS = "relaybox.dlq.attempts";

  /** When the first attempt failed. */
  public static final String FIRST_FAILURE = "relaybox.dlq.first.failure";

  /** When the last attempt failed. */
  public static final String LAST_FAILURE = "relaybox.dlq.last.failure";

  /** {@link #REASON} of a record the deserializer rejected or that has no valid {@code id}. */
  public static final String REASON_UNDECODABLE = "undecodable";

  /** {@link #REASON} of a record whose failure was classified permanent. */
  public static final String REASON_PERMANENT = "permanent";

  /** {@link #REASON} of a record that still failed after the last allowed attempt. */
  public static final String REASON_RETRIES_EXHAUSTED = "retries-exhausted";

  private DeadLetterHeaders() {}
}
