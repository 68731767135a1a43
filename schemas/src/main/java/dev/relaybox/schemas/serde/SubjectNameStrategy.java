package dev.relaybox.schemas.serde;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.config.ConfigException;

/**
 * How the serializer names the registry subject of a key or value, exactly as Confluent's
 * strategies of the same names do. Other rules: a {@link SubjectNamer} class, see {@link #namer}.
 */
public enum SubjectNameStrategy implements SubjectNamer {
  /** {@code <topic>-key} / {@code <topic>-value}: one schema lineage per topic (the default). */
  TOPIC_NAME("TopicNameStrategy"),
  /** The record's full name, e.g. {@code com.example.events.OrderPlaced}. */
  RECORD_NAME("RecordNameStrategy"),
  /** {@code <topic>-<record full name>}. */
  TOPIC_RECORD_NAME("TopicRecordNameStrategy");

  private static final String CONFLUENT_PACKAGE = "io.confluent.kafka.serializers.subject.";

  private final String shortName;

  SubjectNameStrategy(String shortName) {
    this.shortName = shortName;
  }

  /** Confluent's class name for this strategy, e.g. {@code TopicNameStrategy}. */
  public String shortName() {
    return shortName;
  }

  /**
   * The subject for a key or value with this schema written to this topic.
   *
   * @throws EventEncodingException if a record-based strategy gets a schema that is not a record
   */
  @Override
  public String subject(String topic, boolean isKey, Schema schema) {
    if (this == TOPIC_NAME) {
      return topic + (isKey ? "-key" : "-value");
    }
    if (schema.getType() != Schema.Type.RECORD) {
      throw new EventEncodingException(
          "In configuration "
              + (isKey
                  ? SerdeConfig.KEY_SUBJECT_NAME_STRATEGY
                  : SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY)
              + " = "
              + shortName
              + ", the message "
              + (isKey ? "key" : "value")
              + " must only be a record schema, was "
              + schema.getType()
              + " (topic '"
              + topic
              + "')");
    }
    return this == RECORD_NAME ? schema.getFullName() : topic + "-" + schema.getFullName();
  }

  /**
   * Parses a strategy from Confluent's class name ({@code
   * io.confluent.kafka.serializers.subject.RecordNameStrategy}), its short name ({@code
   * RecordNameStrategy}) or this enum's constant name ({@code RECORD_NAME}).
   *
   * @param key the config key, for the error message
   * @throws ConfigException for any other value (custom strategy classes are not supported)
   */
  public static SubjectNameStrategy parse(String key, Object value) {
    SubjectNameStrategy builtIn = builtIn(value);
    if (builtIn == null) {
      throw new ConfigException(
          key,
          value,
          "expected TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy (optionally"
              + " prefixed with "
              + CONFLUENT_PACKAGE
              + ")");
    }
    return builtIn;
  }

  /**
   * A built-in strategy as {@link #parse} accepts it, or else an instance of the {@link
   * SubjectNamer} class {@code value} names (a {@code Class} or a class name, loaded by the
   * thread's context class loader), configured with {@code configs} if it is {@link Configurable}.
   *
   * @throws ConfigException naming {@code key} when the value is neither
   */
  public static SubjectNamer namer(String key, Object value, Map<String, ?> configs) {
    SubjectNameStrategy builtIn = builtIn(value);
    if (builtIn != null) {
      return builtIn;
    }
    Class<?> type;
    try {
      type =
          value instanceof Class<?> c
              ? c
              : Class.forName(String.valueOf(value).trim(), true, classLoader());
    } catch (ClassNotFoundException e) {
      throw new ConfigException(
          key,
          value,
          "neither a built-in strategy (TopicNameStrategy, RecordNameStrategy,"
              + " TopicRecordNameStrategy) nor a class on the classpath");
    }
    if (!SubjectNamer.class.isAssignableFrom(type)) {
      throw new ConfigException(
          key,
          value,
          "a custom strategy must implement "
              + SubjectNamer.class.getName()
              + " (Confluent's strategy interface is not on Relaybox's classpath)");
    }
    SubjectNamer namer;
    try {
      namer = (SubjectNamer) type.getConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      Throwable cause = e instanceof InvocationTargetException i ? i.getCause() : e;
      throw new ConfigException(
          key, value, "cannot instantiate it with a public no-argument constructor: " + cause);
    }
    if (namer instanceof Configurable configurable) {
      configurable.configure(configs);
    }
    return namer;
  }

  private static SubjectNameStrategy builtIn(Object value) {
    String text = value instanceof Class<?> c ? c.getName() : String.valueOf(value).trim();
    String simple =
        text.startsWith(CONFLUENT_PACKAGE) ? text.substring(CONFLUENT_PACKAGE.length()) : text;
    for (SubjectNameStrategy strategy : values()) {
      if (strategy.shortName.equals(simple)
          || strategy.name().equals(simple.toUpperCase(Locale.ROOT))) {
        return strategy;
      }
    }
    return null;
  }

  private static ClassLoader classLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : SubjectNameStrategy.class.getClassLoader();
  }
}
