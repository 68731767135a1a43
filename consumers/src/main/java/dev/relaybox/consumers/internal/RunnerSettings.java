package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.ErrorClassifier;
import dev.relaybox.consumers.EventHandler;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The validated, immutable configuration of a runner; {@code processedKeysRetention} is null when
 * keys are kept forever.
 */
public record RunnerSettings(
    String bootstrapServers,
    String groupId,
    List<String> topics,
    DataSource dataSource,
    Deserializer<?> deserializer,
    EventHandler eventHandler,
    TwoPhaseEventHandler<?> twoPhaseHandler,
    int callConcurrency,
    String processedKeysSchema,
    String processedKeysTable,
    boolean deduplicate,
    boolean migrateOnStart,
    Duration processedKeysRetention,
    Duration processedKeysSweepInterval,
    String deadLetterTopic,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    ErrorClassifier errorClassifier,
    MeterRegistry meterRegistry,
    Duration pollTimeout,
    Duration shutdownTimeout,
    Map<String, String> consumerProperties,
    Map<String, String> producerProperties) {

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

  /** Consumer properties the runner sets itself; overriding them would break the guarantee. */
  private static final Set<String> RESERVED_CONSUMER_PROPERTIES =
      Set.of(
          ConsumerConfig.GROUP_ID_CONFIG,
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
          ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);

  public RunnerSettings {
    requireText(bootstrapServers, "bootstrapServers");
    requireText(groupId, "groupId");
    if (groupId.length() > 255) {
      throw new IllegalArgumentException(
          "groupId must be at most 255 characters (the consumer_group column), was "
              + groupId.length());
    }
    Objects.requireNonNull(topics, "topics must be set: at least one topic to subscribe to");
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("topics must name at least one topic");
    }
    for (String topic : topics) {
      requireTopic(topic, "topics");
    }
    Objects.requireNonNull(dataSource, "dataSource must be set");
    Objects.requireNonNull(deserializer, "deserializer must be set: a Kafka Deserializer<?>");
    if ((eventHandler == null) == (twoPhaseHandler == null)) {
      throw new IllegalArgumentException(
          "handler must be set exactly once: an EventHandler or a TwoPhaseEventHandler, "
              + (eventHandler == null ? "none was given" : "both were given"));
    }
    if (callConcurrency < 1) {
      throw new IllegalArgumentException(
          "callConcurrency must be at least 1, was " + callConcurrency);
    }
    requireIdentifier(processedKeysSchema, "processedKeysSchema", 63);
    if (processedKeysSchema.startsWith("pg_")) {
      throw new IllegalArgumentException(
          "processedKeysSchema must not start with pg_ (reserved by PostgreSQL), was '"
              + processedKeysSchema
              + "'");
    }
    // The Flyway history table and the index append up to 15 characters; names stop at 63.
    requireIdentifier(processedKeysTable, "processedKeysTable", 48);
    requireRetention(processedKeysRetention, deduplicate);
    requirePositive(processedKeysSweepInterval, "processedKeysSweepInterval");
    requireTopic(deadLetterTopic, "deadLetterTopic");
    if (topics.contains(deadLetterTopic)) {
      throw new IllegalArgumentException(
          "deadLetterTopic '" + deadLetterTopic + "' must not be one of the consumed topics");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    requirePositive(initialBackoff, "initialBackoff");
    requirePositive(maxBackoff, "maxBackoff");
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff ("
              + maxBackoff
              + ") must not be less than initialBackoff ("
              + initialBackoff
              + ")");
    }
    Objects.requireNonNull(errorClassifier, "errorClassifier must not be null");
    Objects.requireNonNull(meterRegistry, "meterRegistry must not be null");
    requirePositive(pollTimeout, "pollTimeout");
    requirePositive(shutdownTimeout, "shutdownTimeout");
    consumerProperties.forEach(
        (name, value) -> {
          requireProperty(name, value, "consumerProperty");
          if (RESERVED_CONSUMER_PROPERTIES.contains(name)) {
            throw new IllegalArgumentException(
                "consumerProperty '"
                    + name
                    + "' is set by the runner; use the builder's own setter or leave it out");
          }
        });
    producerProperties.forEach((name, value) -> requireProperty(name, value, "producerProperty"));
    topics = List.copyOf(topics);
    consumerProperties = Map.copyOf(consumerProperties);
    producerProperties = Map.copyOf(producerProperties);
  }

  /** {@code "schema"."table"}, safe to splice into SQL because both are validated identifiers. */
  public String qualifiedTable() {
    return '"' + processedKeysSchema + "\".\"" + processedKeysTable + '"';
  }

  private static void requireText(String value, String property) {
    Objects.requireNonNull(value, property + " must be set");
    if (value.isBlank()) {
      throw new IllegalArgumentException(property + " must not be blank");
    }
  }

  private static void requireTopic(String topic, String property) {
    requireText(topic, property);
    if (!Topic.isValid(topic)) {
      throw new IllegalArgumentException(
          property
              + " '"
              + topic
              + "' is not a valid Kafka topic name ([a-zA-Z0-9._-], at most 249 characters)");
    }
  }

  private static void requireIdentifier(String value, String property, int maxLength) {
    Objects.requireNonNull(value, property + " must not be null");
    if (!IDENTIFIER.matcher(value).matches() || value.length() > maxLength) {
      throw new IllegalArgumentException(
          property
              + " must be a lower-case SQL identifier [a-z_][a-z0-9_]* of at most "
              + maxLength
              + " characters, was '"
              + value
              + "'");
    }
  }

  private static void requireRetention(Duration retention, boolean deduplicate) {
    if (retention == null) {
      return;
    }
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException(
          "processedKeysRetention must be positive, was "
              + retention
              + "; leave it unset (null) to keep processed keys forever");
    }
    if (retention.compareTo(ConsumerRunner.MIN_PROCESSED_KEYS_RETENTION) < 0) {
      throw new IllegalArgumentException(
          "processedKeysRetention must be at least "
              + ConsumerRunner.MIN_PROCESSED_KEYS_RETENTION
              + ", was "
              + retention
              + ": a replay or dead-letter redrive of an event older than the retention finds no"
              + " processed key and applies its effect again. Keep it at least the topics'"
              + " retention.ms plus the longest dead-letter redrive window");
    }
    if (!deduplicate) {
      throw new IllegalArgumentException(
          "processedKeysRetention is set but deduplicate is false: no processed keys are"
              + " recorded, so there is nothing to sweep; remove one of the two settings");
    }
  }

  private static void requirePositive(Duration value, String property) {
    Objects.requireNonNull(value, property + " must not be null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(property + " must be positive, was " + value);
    }
  }

  private static void requireProperty(String name, String value, String property) {
    Objects.requireNonNull(name, property + " name must not be null");
    Objects.requireNonNull(value, property + " '" + name + "' must not have a null value");
  }
}
