package dev.relaybox.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The documented keys of one service (its {@link Setting}s, in documentation order) and the
 * prefixes it passes on to a library ({@code kafka.producer.}, ...). It builds the {@link
 * ServiceProperties} that reject unknown keys, validates every value at once, and renders the
 * README table, so code, errors and documentation come from one definition. Immutable.
 */
public final class Settings {

  private final String service;
  private final String documentedIn;
  private final List<Setting<?>> settings;
  private final Map<String, String> passThrough;

  private Settings(Builder b) {
    this.service = b.service;
    this.documentedIn = b.documentedIn;
    this.settings = List.copyOf(b.settings.values());
    this.passThrough = Map.copyOf(b.passThrough);
  }

  /**
   * A builder for the settings of {@code service}, the word that starts every error (e.g. {@code
   * relay}), documented in {@code documentedIn} (e.g. {@code cdc-relay/README.md}).
   */
  public static Builder builder(String service, String documentedIn) {
    return new Builder(service, documentedIn);
  }

  /** The settings in documentation order. */
  public List<Setting<?>> all() {
    return settings;
  }

  /** The documented keys with their defaults ({@code ""} where there is none). */
  public Map<String, String> defaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    settings.forEach(s -> defaults.put(s.key(), s.defaultValue()));
    return defaults;
  }

  /** A properties builder holding the defaults that rejects undocumented keys at build. */
  public ServiceProperties.Builder propertiesBuilder() {
    return ServiceProperties.builder(defaults())
        .passThroughPrefixes(passThrough.keySet().stream().sorted().toArray(String[]::new))
        .documentedIn(documentedIn)
        .unknownKeyMessage((key, help) -> service + ": unknown property '" + key + "'; " + help);
  }

  /**
   * Parses every setting of {@code values}.
   *
   * @return the parsed values by key (null for an empty optional one)
   * @throws IllegalArgumentException for the first missing or malformed value, prefixed with the
   *     service
   */
  public Map<String, Object> parse(ServiceProperties values) {
    Map<String, Object> parsed = new LinkedHashMap<>();
    for (Setting<?> setting : settings) {
      try {
        parsed.put(setting.key(), setting.parse(values.get(setting.key())));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(service + ": " + e.getMessage(), e);
      }
    }
    return parsed;
  }

  /**
   * The README table: {@code | key | default | meaning |}, one row per setting, then one per
   * pass-through prefix. A test in each module compares it with the README.
   */
  public String markdownTable() {
    StringBuilder table = new StringBuilder("| key | default | meaning |\n| --- | --- | --- |\n");
    for (Setting<?> s : settings) {
      String shown =
          s.required()
              ? "(required)"
              : s.defaultValue().isEmpty() ? "empty" : "`" + s.defaultValue() + "`";
      table.append("| `").append(s.key()).append("` | ").append(shown).append(" | ");
      table.append(s.doc()).append(" |\n");
    }
    passThrough.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                table
                    .append("| `")
                    .append(e.getKey())
                    .append("*` | | ")
                    .append(e.getValue())
                    .append(" |\n"));
    return table.toString();
  }

  /** Collects settings; later settings with the same key replace earlier ones. Not thread-safe. */
  public static final class Builder {
    private final String service;
    private final String documentedIn;
    private final Map<String, Setting<?>> settings = new LinkedHashMap<>();
    private final Map<String, String> passThrough = new LinkedHashMap<>();

    private Builder(String service, String documentedIn) {
      this.service = Objects.requireNonNull(service, "service");
      this.documentedIn = Objects.requireNonNull(documentedIn, "documentedIn");
    }

    /** Adds settings. */
    public Builder add(Setting<?>... settings) {
      return addAll(List.of(settings));
    }

    /** Adds settings. */
    public Builder addAll(Collection<? extends Setting<?>> settings) {
      settings.forEach(s -> this.settings.put(s.key(), s));
      return this;
    }

    /** Accepts every key starting with {@code prefix}, described by {@code doc} in the table. */
    public Builder passThrough(String prefix, String doc) {
      passThrough.put(prefix, doc);
      return this;
    }

    public Settings build() {
      return new Settings(this);
    }
  }
}
