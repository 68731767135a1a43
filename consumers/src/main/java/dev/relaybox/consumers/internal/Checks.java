package dev.relaybox.consumers.internal;

import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.internals.Topic;

/** The validations the runner's settings share; each message names the builder property. */
final class Checks {

  private Checks() {}

  static String requireText(String value, String property) {
    Objects.requireNonNull(value, property + " must be set");
    if (value.isBlank()) {
      throw new IllegalArgumentException(property + " must not be blank");
    }
    return value;
  }

  static String requireTopic(String topic, String property) {
    requireText(topic, property);
    if (!Topic.isValid(topic)) {
      throw new IllegalArgumentException(
          property
              + " '"
              + topic
              + "' is not a valid Kafka topic name ([a-zA-Z0-9._-], at most 249 characters)");
    }
    return topic;
  }

  static Duration requirePositive(Duration value, String property) {
    Objects.requireNonNull(value, property + " must not be null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(property + " must be positive, was " + value);
    }
    return value;
  }

  static int requireAtLeast(int value, int min, String property) {
    if (value < min) {
      throw new IllegalArgumentException(property + " must be at least " + min + ", was " + value);
    }
    return value;
  }
}
