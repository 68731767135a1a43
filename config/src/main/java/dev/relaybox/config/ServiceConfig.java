package dev.relaybox.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;

/**
 * Base of a service's typed configuration ({@code RelayConfig}, {@code ConsumersConfig}): the
 * accessors every service configuration offers over its {@link ServiceProperties}. A subclass adds
 * its key constants, documented defaults, typed accessors and value checks, and a {@link Builder}
 * subclass whose {@code build()} validates and returns it. Immutable and thread-safe; {@link
 * #toString()} masks secrets.
 */
public abstract class ServiceConfig {

  /** The properties after defaults, file and environment, unknown keys rejected. */
  protected final ServiceProperties values;

  protected ServiceConfig(ServiceProperties values) {
    this.values = Objects.requireNonNull(values, "values");
  }

  /**
   * The environment variable that overrides {@code key}: {@value ServiceProperties#ENV_PREFIX} +
   * the key in upper case with {@code .} and {@code -} replaced by {@code _}, e.g. {@code
   * pg.password} → {@code RELAYBOX_PG_PASSWORD}. Only documented keys are looked up.
   */
  public static String environmentName(String key) {
    return ServiceProperties.environmentName(key);
  }

  /** The value of {@code key} after defaults, or null. */
  public String get(String key) {
    return values.get(key);
  }

  /** See {@link ServiceProperties#getInt(String)}. */
  public int getInt(String key) {
    return values.getInt(key);
  }

  /** See {@link ServiceProperties#getLong(String)}. */
  public long getLong(String key) {
    return values.getLong(key);
  }

  /** See {@link ServiceProperties#getBoolean(String)}. */
  public boolean getBoolean(String key) {
    return values.getBoolean(key);
  }

  /** Every property starting with {@code prefix}, prefix removed. */
  public Map<String, String> withPrefix(String prefix) {
    return values.withPrefix(prefix);
  }

  /** The class name and every property, sorted, secrets as {@code ****}. */
  @Override
  public String toString() {
    return getClass().getSimpleName() + values;
  }

  /**
   * Collects properties on top of the service's defaults; the subclass's {@code build()} validates
   * them. Not thread-safe.
   *
   * @param <B> the subclass, returned by every setter for chaining
   */
  public abstract static class Builder<B extends Builder<B>> {

    /** The properties collected so far; {@code values.build()} rejects unknown keys. */
    protected final ServiceProperties.Builder values;

    protected Builder(ServiceProperties.Builder values) {
      this.values = Objects.requireNonNull(values, "values");
    }

    /** See {@link ServiceProperties.Builder#set(String, String)}. */
    public B set(String key, String value) {
      values.set(key, value);
      return self();
    }

    /** Sets every entry of {@code properties}. */
    public B setAll(Properties properties) {
      values.setAll(properties);
      return self();
    }

    /**
     * Sets every entry of the properties file {@code file} (UTF-8).
     *
     * @throws IOException if the file cannot be read
     */
    public B load(Path file) throws IOException {
      values.load(file);
      return self();
    }

    /**
     * Overrides documented keys from the environment variables named by {@link
     * ServiceConfig#environmentName(String)}; {@code env} is usually {@code System::getenv}. Call
     * it after the file so the environment wins.
     */
    public B overrideFromEnvironment(Function<String, String> env) {
      values.overrideFromEnvironment(env);
      return self();
    }

    @SuppressWarnings("unchecked") // B is this builder's own class, see the class declaration
    private B self() {
      return (B) this;
    }
  }
}
