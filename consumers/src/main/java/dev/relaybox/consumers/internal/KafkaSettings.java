package dev.relaybox.consumers.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Where the runner reads and writes Kafka: the group, its topics, the dead-letter topic and the
 * client properties (defaults applied by the runner are not in these maps).
 */
public record KafkaSettings(
    String bootstrapServers,
    String groupId,
    List<String> topics,
    String deadLetterTopic,
    Duration pollTimeout,
    Duration readyStallTimeout,
    Map<String, String> consumerProperties,
    Map<String, String> producerProperties) {

  /** Consumer properties the runner sets itself; overriding them would break the guarantee. */
  private static final Set<String> RESERVED_CONSUMER_PROPERTIES =
      Set.of(
          ConsumerConfig.GROUP_ID_CONFIG,
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
          ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);

  public KafkaSettings {
    Checks.requireText(bootstrapServers, "bootstrapServers");
    Checks.requireText(groupId, "groupId");
    if (groupId.length() > 255) {
      throw new IllegalArgumentException(
          "groupId must be at most 255 characters (the consumer_group column), was "
              + groupId.length());
    }
    Objects.requireNonNull(topics, "topics must be set: at least one topic to subscribe to");
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("topics must name at least one topic");
    }
    topics.forEach(topic -> Checks.requireTopic(topic, "topics"));
    if (deadLetterTopic == null) {
      deadLetterTopic = groupId + ".dlq";
    }
    Checks.requireTopic(deadLetterTopic, "deadLetterTopic");
    if (topics.contains(deadLetterTopic)) {
      throw new IllegalArgumentException(
          "deadLetterTopic '" + deadLetterTopic + "' must not be one of the consumed topics");
    }
    Checks.requirePositive(pollTimeout, "pollTimeout");
    Checks.requirePositive(readyStallTimeout, "readyStallTimeout");
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

  /** {@code max.poll.interval.ms} as configured, or Kafka's default of 5 minutes. */
  public Duration maxPollInterval() {
    return Duration.ofMillis(
        Long.parseLong(
            consumerProperties.getOrDefault(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "300000")));
  }

  /** {@code max.poll.records} as configured, or the runner's default of 500. */
  public int maxPollRecords() {
    return Integer.parseInt(
        consumerProperties.getOrDefault(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500"));
  }

  private static void requireProperty(String name, String value, String property) {
    Objects.requireNonNull(name, property + " name must not be null");
    Objects.requireNonNull(value, property + " '" + name + "' must not have a null value");
  }
}
