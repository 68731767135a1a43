package dev.relaybox.config;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;

/**
 * Base of a service's typed configuration ({@code RelayConfig}, {@code HostConfig}): values read
 * from defaults, a properties file and {@code RELAYBOX_*} environment variables, every documented
 * one parsed and checked by its {@link Setting} when the configuration is built. A subclass passes
 * its {@link Settings} and adds cross-field checks in its builder's {@code build()}. Immutable and
 * thread-safe; {@link #toString()} masks secrets.
 */
public abstract class ServiceConfig {

  private final ServiceProperties values;
  private final Map<String, Object> parsed;

  /**
   * Parses every setting of {@code values}.
   *
   * @throws IllegalArgumentException naming the first missing or malformed property
   */
  protected ServiceConfig(Settings settings, ServiceProperties values) {
    this.values = Objects.requireNonNull(values, "values");
    this.parsed = settings.parse(values);
  }

  /**
   * The value of {@code setting}; null when it is optional and empty.
   *
   * @throws IllegalArgumentException when the setting is not one of this service's
   */
  @SuppressWarnings("unchecked") // parsed by this very setting in the constructor
  public <T> T get(Setting<T> setting) {
    if (!parsed.containsKey(setting.key())) {
      throw new IllegalArgumentException(
          "'" + setting.key() + "' is not a setting of " + getClass().getSimpleName());
    }
    return (T) parsed.get(setting.key());
  }

  /**
   * The value of {@code key} as written (after defaults, file and environment), or null; for
   * pass-through keys and for writing the configuration back out. Mind secrets.
   */
  public String value(String key) {
    return values.get(key);
  }

  /** Every property starting with {@code prefix}, prefix removed, sorted by key. */
  public Map<String, String> withPrefix(String prefix) {
    return values.withPrefix(prefix);
  }

  /** The raw properties, after defaults, file and environment. */
  protected ServiceProperties properties() {
    return values;
  }

  /** The class name and every property, sorted, secrets as {@code ****}. */
  @Override
  public String toString() {
    return getClass().getSimpleName() + values;
  }

  /**
   * Collects properties on top of the service's defaults; the subclass's {@code build()} calls
   * {@link #properties()} (which rejects unknown keys) and the config's constructor. Not
   * thread-safe.
   *
   * @param <B> the subclass, returned by every setter for chaining
   */
  public abstract static class Builder<B extends Builder<B>> {

    private final ServiceProperties.Builder values;

    protected Builder(Settings settings) {
      this.values = settings.propertiesBuilder();
    }

    /** Sets {@code key} to {@code value}; both are trimmed. */
    public B set(String key, String value) {
      values.set(key, value);
      return self();
    }

    /** Sets {@code setting} to {@code value} as written in a properties file. */
    public B set(Setting<?> setting, String value) {
      return set(setting.key(), value);
    }

    /** Sets every entry of {@code properties}. */
    public B setAll(Properties properties) {
      values.setAll(properties);
      return self();
    }

    /** Sets every entry of {@code properties}. */
    public B setAll(Map<String, String> properties) {
      properties.forEach(values::set);
      return self();
    }

    /**
     * Sets every entry of the properties file {@code file} (UTF-8).
     *
     * @throws IOException saying which file could not be read and why
     */
    public B load(Path file) throws IOException {
      try {
        values.load(file);
      } catch (NoSuchFileException e) {
        throw new IOException("configuration file " + file.toAbsolutePath() + " does not exist", e);
      } catch (IOException e) {
        throw new IOException("cannot read configuration file " + file + ": " + e, e);
      }
      return self();
    }

    /**
     * Overrides documented keys from the environment variables named by {@link
     * Setting#environmentName()}; {@code env} is usually {@code System::getenv}. Call it after the
     * file so the environment wins.
     */
    public B overrideFromEnvironment(Function<String, String> env) {
      values.overrideFromEnvironment(env);
      return self();
    }

    /** The current value of {@code key} (default or set), or null; for checks before build. */
    protected String current(String key) {
      return values.get(key);
    }

    /**
     * The collected properties.
     *
     * @throws IllegalArgumentException naming an unknown key and the nearest documented ones
     */
    protected ServiceProperties properties() {
      return values.build();
    }

    @SuppressWarnings("unchecked") // B is this builder's own class, see the class declaration
    private B self() {
      return (B) this;
    }
  }
}
