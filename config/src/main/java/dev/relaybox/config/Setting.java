package dev.relaybox.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One documented configuration key of a Relaybox service: its name, type, default, validation and
 * documentation, defined once and used for parsing, error messages, environment overrides and the
 * README tables ({@link Settings#markdownTable()}). Immutable and thread-safe.
 *
 * <pre>{@code
 * static final Setting<Integer> PORT =
 *     Setting.integer("pg.port", 1, 65535).defaultValue("5432").doc("Postgres port").build();
 * }</pre>
 *
 * <p>A setting is <em>required</em> (no default: a missing value fails the build of the
 * configuration, naming the key and its environment variable), has a default, or is
 * <em>optional</em> (default empty: {@link #parse} returns null for an empty value).
 *
 * @param <T> the parsed type
 */
public final class Setting<T> {

  private final String key;
  private final String defaultValue;
  private final boolean required;
  private final boolean secret;
  private final String doc;
  private final String expected;
  private final Function<String, T> parser;
  private final List<Check<T>> checks;

  private Setting(Builder<T> b) {
    this.key = b.key;
    this.defaultValue = b.defaultValue;
    this.required = b.required;
    this.secret = b.secret || ServiceProperties.isSecret(b.key);
    this.doc = b.doc;
    this.expected = b.expected;
    this.parser = b.parser;
    this.checks = List.copyOf(b.checks);
  }

  /** Any text. */
  public static Builder<String> text(String key) {
    return new Builder<>(key, "text", value -> value);
  }

  /** An int between {@code min} and {@code max}, both included. */
  public static Builder<Integer> integer(String key, int min, int max) {
    return new Builder<>(
        key,
        "an integer between " + min + " and " + max,
        value -> {
          int v = Integer.parseInt(value);
          if (v < min || v > max) {
            throw new IllegalArgumentException();
          }
          return v;
        });
  }

  /** A duration given in milliseconds, between {@code minMillis} and {@code maxMillis}. */
  public static Builder<Duration> millis(String key, long minMillis, long maxMillis) {
    return new Builder<>(
        key,
        "a number of milliseconds between " + minMillis + " and " + maxMillis,
        value -> {
          long v = Long.parseLong(value);
          if (v < minMillis || v > maxMillis) {
            throw new IllegalArgumentException();
          }
          return Duration.ofMillis(v);
        });
  }

  /** {@code true} or {@code false}, nothing else. */
  public static Builder<Boolean> bool(String key) {
    return new Builder<>(
        key,
        "true or false",
        value -> {
          if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException();
          }
          return Boolean.parseBoolean(value);
        });
  }

  /** One of {@code allowed}, exactly as written. */
  public static Builder<String> oneOf(String key, String... allowed) {
    List<String> values = Arrays.asList(allowed);
    return new Builder<>(
        key,
        "one of " + String.join(", ", values),
        value -> {
          if (!values.contains(value)) {
            throw new IllegalArgumentException();
          }
          return value;
        });
  }

  /** A lower-case SQL identifier, see {@link SqlIdentifier}. */
  public static Builder<String> identifier(String key, int maxLength) {
    return new Builder<>(
        key,
        SqlIdentifier.describe(maxLength),
        value -> {
          try {
            return SqlIdentifier.require(key, value, maxLength);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(); // the expectation says it all
          }
        });
  }

  /** A legal Kafka topic name. */
  public static Builder<String> topic(String key) {
    return new Builder<>(
        key, "a legal Kafka topic name", value -> TopicPattern.requireTopic(value));
  }

  /** A topic pattern, see {@link TopicPattern}. */
  public static Builder<TopicPattern> topicPattern(String key) {
    return new Builder<>(key, "a topic pattern", TopicPattern::parse);
  }

  /** A comma-separated list; blanks around items are dropped, empty items rejected. */
  public static Builder<List<String>> list(String key) {
    return new Builder<>(
        key,
        "a comma-separated list",
        value -> {
          List<String> items = new ArrayList<>();
          for (String item : value.split(",", -1)) {
            if (item.isBlank()) {
              throw new IllegalArgumentException();
            }
            items.add(item.trim());
          }
          return List.copyOf(items);
        });
  }

  /** The property key, e.g. {@code pg.port}. */
  public String key() {
    return key;
  }

  /** The default as written in a properties file; {@code ""} when there is none. */
  public String defaultValue() {
    return defaultValue;
  }

  /** Whether a value must be given (there is no default). */
  public boolean required() {
    return required;
  }

  /** Whether the value is a secret: never shown in logs, errors or pages. */
  public boolean secret() {
    return secret;
  }

  /** One line of documentation. */
  public String doc() {
    return doc;
  }

  /** The environment variable that overrides this key, e.g. {@code RELAYBOX_PG_PORT}. */
  public String environmentName() {
    return ServiceProperties.environmentName(key);
  }

  /**
   * Parses and checks {@code raw} (already trimmed).
   *
   * @return the value, or null when the setting is optional and {@code raw} is empty
   * @throws IllegalArgumentException naming the key, what is expected and the value (unless secret)
   */
  public T parse(String raw) {
    if (raw == null || raw.isEmpty()) {
      if (required) {
        throw new IllegalArgumentException(
            "property '" + key + "' is required: set it in the file or as " + environmentName());
      }
      return null;
    }
    T value;
    try {
      value = parser.apply(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "property '" + key + "' must be " + expected + ", was " + shown(raw), e);
    } catch (IllegalArgumentException e) {
      // The parser's own reason, when it has one, says what exactly is wrong.
      String reason = e.getMessage() == null || secret ? "" : ": " + e.getMessage();
      throw new IllegalArgumentException(
          "property '" + key + "' must be " + expected + ", was " + shown(raw) + reason, e);
    }
    for (Check<T> check : checks) {
      if (!check.test().test(value)) {
        throw new IllegalArgumentException(
            "property '" + key + "' " + check.requirement() + ", was " + shown(raw));
      }
    }
    return value;
  }

  private String shown(String raw) {
    return secret ? "a secret value" : "'" + raw + "'";
  }

  @Override
  public String toString() {
    return key;
  }

  private record Check<T>(Predicate<T> test, String requirement) {}

  /**
   * Builds a {@link Setting}; without {@link #defaultValue} or {@link #optional()} the setting is
   * required.
   *
   * @param <T> the parsed type
   */
  public static final class Builder<T> {
    private final String key;
    private final String expected;
    private final Function<String, T> parser;
    private final List<Check<T>> checks = new ArrayList<>();
    private String defaultValue = "";
    private boolean required = true;
    private boolean secret;
    private String doc = "";

    private Builder(String key, String expected, Function<String, T> parser) {
      this.key = Objects.requireNonNull(key, "key");
      this.expected = expected;
      this.parser = parser;
    }

    /** The default, as written in a properties file; makes the setting not required. */
    public Builder<T> defaultValue(String value) {
      this.defaultValue = Objects.requireNonNull(value, "value");
      this.required = false;
      return this;
    }

    /** No default and not required: an empty value parses to null. */
    public Builder<T> optional() {
      this.defaultValue = "";
      this.required = false;
      return this;
    }

    /** Marks the value a secret (keys naming a password, token or secret are secrets anyway). */
    public Builder<T> secret() {
      this.secret = true;
      return this;
    }

    /** One line for the README table and {@code --help}. */
    public Builder<T> doc(String doc) {
      this.doc = Objects.requireNonNull(doc, "doc");
      return this;
    }

    /**
     * A further check of the parsed value; {@code requirement} completes "property 'k' ...", e.g.
     * {@code "must be all: the relay never loses an event"}.
     */
    public Builder<T> check(Predicate<T> test, String requirement) {
      checks.add(new Check<>(test, requirement));
      return this;
    }

    /**
     * The setting.
     *
     * @throws IllegalArgumentException if the default itself does not parse
     */
    public Setting<T> build() {
      Setting<T> setting = new Setting<>(this);
      if (!defaultValue.isEmpty()) {
        setting.parse(defaultValue);
      }
      return setting;
    }
  }
}
