package dev.relaybox.consumers;

import dev.relaybox.consumers.internal.TypeBasedErrorClassifier;
import java.io.IOException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * Decides whether a handler failure is worth retrying. Immutable and thread-safe.
 *
 * <p>The runner also asks it about deserializer failures: permanent ones (bad magic byte, unknown
 * schema id) move the record to the dead set at once; transient ones (registry unreachable) put the
 * work back and retry it after a backoff, without limit, like a database outage.
 *
 * <p>The {@link #defaults() default} classifier walks the exception and its causes, outermost
 * first, and answers with the first rule that matches:
 *
 * <ul>
 *   <li>{@link PermanentEventException} → permanent; {@link RetryableEventException} → transient;
 *   <li>{@link HttpStatusException} → transient for 408, 429 and 5xx, permanent otherwise;
 *   <li>{@link java.sql.SQLException} with SQLState class {@code 08} (connection), {@code 40}
 *       (serialization failure, deadlock), {@code 53} (insufficient resources), {@code 57}
 *       (operator intervention, e.g. admin shutdown) or {@code 55P03} (lock not available), {@link
 *       SQLTransientException}, {@link SQLRecoverableException} → transient;
 *   <li>{@link IOException}, {@link TimeoutException}, Kafka's {@code RetriableException}, an
 *       unreachable schema registry ({@code RegistryUnavailableException}, a retriable {@code
 *       SchemaRegistryAccessException}) → transient;
 *   <li>anything else → permanent (a bug or bad data does not heal by retrying).
 * </ul>
 */
@FunctionalInterface
public interface ErrorClassifier {

  /** What to do with a failed event. */
  enum Kind {
    /** Park the key and retry with backoff, up to the attempt limit, then the dead set. */
    TRANSIENT,
    /** The dead set at once. */
    PERMANENT
  }

  /**
   * Classifies a handler failure.
   *
   * @param failure never null
   * @return never null
   */
  Kind classify(Throwable failure);

  /** The default rules listed on this interface. */
  static ErrorClassifier defaults() {
    return builder().build();
  }

  /** A builder starting from the default rules; rules added later take precedence. */
  static Builder builder() {
    return new Builder();
  }

  /** Configuration for a type-based classifier; not thread-safe. */
  final class Builder {
    private final Map<Class<? extends Throwable>, Kind> rules = new LinkedHashMap<>();
    private Kind otherwise = Kind.PERMANENT;

    private Builder() {}

    /** Classifies {@code type} and its subclasses, found anywhere in the cause chain, transient. */
    public Builder transientOn(Class<? extends Throwable> type) {
      rules.put(Objects.requireNonNull(type, "type must not be null"), Kind.TRANSIENT);
      return this;
    }

    /** Classifies {@code type} and its subclasses, found anywhere in the cause chain, permanent. */
    public Builder permanentOn(Class<? extends Throwable> type) {
      rules.put(Objects.requireNonNull(type, "type must not be null"), Kind.PERMANENT);
      return this;
    }

    /** The answer when no rule matches. Default {@link Kind#PERMANENT}. */
    public Builder otherwise(Kind kind) {
      this.otherwise = Objects.requireNonNull(kind, "otherwise must not be null");
      return this;
    }

    /** Builds the classifier. */
    public ErrorClassifier build() {
      return new TypeBasedErrorClassifier(rules, otherwise);
    }
  }
}
