package dev.relaybox.config;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;

/**
 * How an outbox row's aggregate type becomes its Kafka topic: a pattern with at most one {@value
 * #PLACEHOLDER}, e.g. the default {@value #DEFAULT} ({@code order} → {@code outbox.event.order}).
 * The relay publishes with it, the outbox registers subjects with it and the consumer services
 * subscribe with it, so all three read the same setting ({@link CommonSettings#TOPIC_PATTERN}).
 * Immutable and thread-safe; resolutions are cached.
 */
public final class TopicPattern {

  /** The placeholder standing for the aggregate type. */
  public static final String PLACEHOLDER = "${aggregatetype}";

  /** The default pattern. */
  public static final String DEFAULT = "outbox.event." + PLACEHOLDER;

  private static final int MAX_CACHED = 10_000;

  private final String pattern;
  private final String prefix;
  private final String suffix;
  private final boolean hasPlaceholder;
  private final Map<String, Resolution> cache = new ConcurrentHashMap<>();

  private TopicPattern(String pattern, String prefix, String suffix, boolean hasPlaceholder) {
    this.pattern = pattern;
    this.prefix = prefix;
    this.suffix = suffix;
    this.hasPlaceholder = hasPlaceholder;
  }

  /**
   * Parses a pattern with at most one {@value #PLACEHOLDER} and no other {@code ${...}} whose
   * topics are legal Kafka topic names.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static TopicPattern parse(String pattern) {
    if (pattern == null || pattern.isBlank()) {
      throw new IllegalArgumentException("the topic pattern must not be blank");
    }
    int at = pattern.indexOf(PLACEHOLDER);
    String prefix = at < 0 ? pattern : pattern.substring(0, at);
    String suffix = at < 0 ? "" : pattern.substring(at + PLACEHOLDER.length());
    if (prefix.contains("${") || suffix.contains("${")) {
      throw new IllegalArgumentException(
          "the topic pattern supports one placeholder, " + PLACEHOLDER + ", was '" + pattern + "'");
    }
    String reason = invalidTopicReason(prefix + (at < 0 ? "" : "sample") + suffix);
    if (reason != null) {
      throw new IllegalArgumentException(
          "the topic pattern '" + pattern + "' gives illegal topic names: " + reason);
    }
    return new TopicPattern(pattern, prefix, suffix, at >= 0);
  }

  /**
   * Returns {@code topic} if it is a legal Kafka topic name.
   *
   * @throws IllegalArgumentException saying why not
   */
  public static String requireTopic(String topic) {
    String reason = invalidTopicReason(topic);
    if (reason != null) {
      throw new IllegalArgumentException(reason);
    }
    return topic;
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

  /** Whether the pattern contains {@value #PLACEHOLDER} (otherwise every row goes to one topic). */
  public boolean hasPlaceholder() {
    return hasPlaceholder;
  }

  /**
   * The topic of {@code aggregateType}.
   *
   * @throws IllegalArgumentException when the result is not a legal topic name
   */
  public String topicFor(String aggregateType) {
    Resolution resolution = resolve(aggregateType);
    if (resolution.invalidReason() != null) {
      throw new IllegalArgumentException(
          "aggregate type '"
              + aggregateType
              + "' gives the illegal topic '"
              + resolution.topic()
              + "': "
              + resolution.invalidReason());
    }
    return resolution.topic();
  }

  /** The topic for {@code aggregateType} (not null), or why there is none; never throws. */
  public Resolution resolve(String aggregateType) {
    Resolution cached = cache.get(aggregateType);
    if (cached != null) {
      return cached;
    }
    String topic = hasPlaceholder ? prefix + aggregateType + suffix : prefix;
    Resolution resolution = new Resolution(topic, invalidTopicReason(topic));
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(aggregateType, resolution);
    return resolution;
  }

  /** The pattern as written. */
  @Override
  public String toString() {
    return pattern;
  }

  /**
   * A resolved topic.
   *
   * @param topic the topic name
   * @param invalidReason null when the topic is legal, otherwise why not
   */
  public record Resolution(String topic, String invalidReason) {}
}
