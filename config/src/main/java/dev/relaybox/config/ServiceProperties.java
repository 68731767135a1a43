package dev.relaybox.config;

import dev.relaybox.config.internal.NearestKeys;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The string properties of a Relaybox service after defaults, properties file and environment
 * overrides, with every key either documented (it has a default) or under a pass-through prefix
 * such as {@code kafka.producer.}. Immutable and thread-safe; {@link #toString()} masks secrets.
 *
 * <p>A service's typed config class (key constants, defaults, value validation) extends {@link
 * ServiceConfig}, which holds one of these; used on its own:
 *
 * <pre>{@code
 * ServiceProperties props = ServiceProperties.builder(DEFAULTS)
 *     .passThroughPrefixes("kafka.consumer.")
 *     .documentedIn("consumers/README.md")
 *     .load(Path.of("consumers.properties"))    // optional
 *     .overrideFromEnvironment(System::getenv)   // RELAYBOX_PG_PASSWORD overrides pg.password
 *     .build();                                  // rejects unknown keys
 * int port = props.getInt("pg.port");
 * }</pre>
 *
 * <p>Why no library: picocli parses command lines, not property files with environment overrides;
 * Kafka's {@code ConfigDef} only logs unknown keys and would put kafka-clients under every
 * service's configuration; Typesafe Config or MicroProfile Config would be new dependencies with
 * their own file formats and environment mappings. What is needed here is about 200 lines of JDK.
 *
 * <p>Secrets: a key whose lower-cased name contains {@code password}, {@code secret}, {@code
 * token}, {@code jaas.config} or {@code user.info} is a secret. Its value is shown as {@code ****}
 * by {@link #toString()} and never appears in an exception message.
 */
public final class ServiceProperties {

  /**
   * Prefix of every environment variable that overrides a property, see {@link #environmentName}.
   */
  public static final String ENV_PREFIX = "RELAYBOX_";

  private static final List<String> SECRET_MARKERS =
      List.of("password", "secret", "token", "jaas.config", "user.info");
  private static final String MASK = "****";

  private final Map<String, String> values;

  private ServiceProperties(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /**
   * A builder holding {@code documentedDefaults}: their keys are the documented keys, {@code ""} is
   * the default of a required key. The map is copied.
   *
   * @throws NullPointerException if the map or one of its keys or values is null
   */
  public static Builder builder(Map<String, String> documentedDefaults) {
    return new Builder(documentedDefaults);
  }

  /**
   * The environment variable that overrides {@code key}: {@value #ENV_PREFIX} + the key in upper
   * case with {@code .} and {@code -} replaced by {@code _}, e.g. {@code pg.password} → {@code
   * RELAYBOX_PG_PASSWORD}.
   */
  public static String environmentName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Whether the value of {@code key} is a secret (masked in {@link #toString()} and errors). */
  public static boolean isSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return SECRET_MARKERS.stream().anyMatch(lower::contains);
  }

  /** The value of {@code key}, or null when it is neither documented nor set. */
  public String get(String key) {
    return values.get(key);
  }

  /**
   * The value of {@code key} as an int.
   *
   * @throws IllegalArgumentException naming the key and the value (unless secret) when it is
   *     missing or not an int
   */
  public int getInt(String key) {
    return parse(key, "an integer", Integer::parseInt);
  }

  /**
   * The value of {@code key} as a long.
   *
   * @throws IllegalArgumentException naming the key and the value (unless secret) when it is
   *     missing or not a long
   */
  public long getLong(String key) {
    return parse(key, "an integer", Long::parseLong);
  }

  /**
   * The value of {@code key} as a boolean: exactly {@code true} or {@code false}.
   *
   * @throws IllegalArgumentException naming the key and the value (unless secret) otherwise
   */
  public boolean getBoolean(String key) {
    return parse(key, "true or false", ServiceProperties::strictBoolean);
  }

  /** Every property starting with {@code prefix}, prefix removed, sorted by key. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }

  /** Every property sorted by key, in {@code Map} form, secrets as {@code ****}. */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>(values);
    shown.replaceAll((k, v) -> isSecret(k) ? MASK : v);
    return shown.toString();
  }

  private <T> T parse(String key, String expected, Function<String, T> parser) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException("property '" + key + "' is not set");
    }
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) { // NumberFormatException included
      String shown = isSecret(key) ? "a secret value" : "'" + value + "'";
      throw new IllegalArgumentException(
          "property '" + key + "' must be " + expected + ", was " + shown);
    }
  }

  private static boolean strictBoolean(String value) {
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException("not a boolean"); // no value: it may be a secret
  }

  /**
   * Collects properties on top of the documented defaults; {@link #build()} rejects unknown keys.
   * Keys and values are trimmed. Not thread-safe.
   */
  public static final class Builder {
    private final Map<String, String> defaults;
    private final Map<String, String> values;
    private List<String> passThroughPrefixes = List.of();
    private String documentation = "the module's README";
    private BiFunction<String, String, String> unknownKeyMessage =
        (key, help) -> "unknown property '" + key + "': " + help;

    private Builder(Map<String, String> documentedDefaults) {
      this.defaults = Map.copyOf(documentedDefaults);
      this.values = new LinkedHashMap<>(documentedDefaults);
    }

    /**
     * Prefixes of keys passed on to a library (e.g. {@code kafka.producer.}): such keys are
     * accepted without being documented. Default: none.
     */
    public Builder passThroughPrefixes(String... prefixes) {
      passThroughPrefixes = List.of(prefixes);
      return this;
    }

    /** Where the documented keys are described, for error messages (e.g. a README path). */
    public Builder documentedIn(String documentation) {
      this.documentation = Objects.requireNonNull(documentation, "documentation");
      return this;
    }

    /**
     * How {@link #build()} words the error for an unknown key, from the key and a help text (the
     * nearest documented keys, where they are documented, the pass-through prefixes). Default:
     * {@code unknown property '<key>': <help>}.
     */
    public Builder unknownKeyMessage(BiFunction<String, String, String> message) {
      this.unknownKeyMessage = Objects.requireNonNull(message, "message");
      return this;
    }

    /**
     * Sets {@code key} (trimmed) to {@code value} (trimmed).
     *
     * @throws NullPointerException naming the key when the key or the value is null
     */
    public Builder set(String key, String value) {
      Objects.requireNonNull(key, "key must not be null");
      Objects.requireNonNull(value, () -> "value of " + key + " must not be null");
      values.put(key.trim(), value.trim());
      return this;
    }

    /** Sets every entry of {@code properties}. */
    public Builder setAll(Properties properties) {
      properties.stringPropertyNames().forEach(k -> set(k, properties.getProperty(k)));
      return this;
    }

    /**
     * Sets every entry of the properties file {@code file} (UTF-8).
     *
     * @throws IOException if the file cannot be read
     */
    public Builder load(Path file) throws IOException {
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        properties.load(reader);
      }
      return setAll(properties);
    }

    /**
     * Overrides documented keys from the environment variables named by {@link
     * ServiceProperties#environmentName(String)}; call it last so the environment wins over files.
     * {@code env} is usually {@code System::getenv}. Pass-through keys are not looked up.
     */
    public Builder overrideFromEnvironment(Function<String, String> env) {
      for (String key : defaults.keySet()) {
        String value = env.apply(environmentName(key));
        if (value != null) {
          set(key, value);
        }
      }
      return this;
    }

    /** The current value of {@code key} (default or set), or null; for checks before build. */
    public String get(String key) {
      return values.get(key);
    }

    /**
     * The properties.
     *
     * @throws IllegalArgumentException for the first key that is neither documented nor under a
     *     pass-through prefix, naming it and the nearest documented keys
     */
    public ServiceProperties build() {
      for (String key : values.keySet()) {
        if (!defaults.containsKey(key) && passThroughPrefixes.stream().noneMatch(key::startsWith)) {
          throw new IllegalArgumentException(unknownKeyMessage.apply(key, help(key)));
        }
      }
      return new ServiceProperties(values);
    }

    private String help(String key) {
      StringBuilder help = new StringBuilder();
      List<String> nearest = NearestKeys.of(key, defaults.keySet());
      if (!nearest.isEmpty()) {
        help.append("did you mean '").append(String.join("' or '", nearest)).append("'? ");
      }
      help.append("documented keys: ").append(documentation);
      if (!passThroughPrefixes.isEmpty()) {
        help.append("; other keys must start with ")
            .append(String.join(" or ", passThroughPrefixes));
      }
      return help.toString();
    }
  }
}
