package dev.relaybox.relay.internal;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;

/**
 * The topic pattern {@code prefix${aggregatetype}suffix}: resolves an aggregate type to a topic
 * name and says when the result is not a legal Kafka topic. Resolutions are cached (aggregate types
 * are few); not thread-safe, used by the engine's single consumer thread.
 */
public final class TopicPattern {
  static final String PLACEHOLDER = "${aggregatetype}";
  private static final int MAX_CACHED = 10_000;

  private final String prefix;
  private final String suffix;
  private final boolean hasPlaceholder;
  private final Map<String, Resolution> cache = new HashMap<>();

  private TopicPattern(String prefix, String suffix, boolean hasPlaceholder) {
    this.prefix = prefix;
    this.suffix = suffix;
    this.hasPlaceholder = hasPlaceholder;
  }

  /**
   * Parses a pattern with at most one {@code ${aggregatetype}} and no other {@code ${...}}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static TopicPattern parse(String pattern) {
    if (pattern == null || pattern.isBlank()) {
      throw new IllegalArgumentException("must not be blank");
    }
    int at = pattern.indexOf(PLACEHOLDER);
    String prefix = at < 0 ? pattern : pattern.substring(0, at);
    String suffix = at < 0 ? "" : pattern.substring(at + PLACEHOLDER.length());
    if (prefix.contains("${") || suffix.contains("${")) {
      throw new IllegalArgumentException(
          "supports only one placeholder, " + PLACEHOLDER + ", was '" + pattern + "'");
    }
    String sample = prefix + (at < 0 ? "" : "sample") + suffix;
    String reason = invalidTopicReason(sample);
    if (reason != null) {
      throw new IllegalArgumentException("gives illegal topic names: " + reason);
    }
    return new TopicPattern(prefix, suffix, at >= 0);
  }

  /** Why {@code topic} is not a legal Kafka topic name, or {@code null} if it is. */
  public static String invalidTopicReason(String topic) {
    try {
      Topic.validate(topic);
      return null;
    } catch (InvalidTopicException e) {
      return e.getMessage();
    }
  }

  /** The topic for {@code aggregateType} (not null), or why there is none. */
  Resolution resolve(String aggregateType) {
    Resolution cached = cache.get(aggregateType);
    if (cached != null) {
      return cached;
    }
    String topic = hasPlaceholder ? prefix + aggregateType + suffix : prefix;
    String reason = invalidTopicReason(topic);
    Resolution resolution = new Resolution(topic, reason);
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(aggregateType, resolution);
    return resolution;
  }

  /** A resolved topic; {@code invalidReason} is null when the topic is legal. */
  record Resolution(String topic, String invalidReason) {}
}
