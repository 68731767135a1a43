package dev.relaybox.console;

import dev.relaybox.config.ServiceConfig;
import dev.relaybox.config.ServiceProperties;
import dev.relaybox.config.Settings;
import dev.relaybox.console.internal.ConsoleSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.function.Function;

/**
 * Immutable configuration of the {@link Console}: where Kafka, the registry and the outbox database
 * are, the relay's slot and HTTP address, and for each consumer group named by {@code groups} its
 * database, its service's HTTP address and its effect tables ({@code group.<group>.*}). Every key
 * is listed with its default in {@code console/README.md} (generated from {@link #settings});
 * {@code RELAYBOX_*} environment variables override them. Thread-safe; {@link #toString()} masks
 * secrets.
 */
public final class ConsoleConfig extends ServiceConfig {

  private final List<String> groups;

  private ConsoleConfig(Settings settings, ServiceProperties values, List<String> groups) {
    super(settings, values);
    this.groups = groups;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The settings of a console showing {@code groups}, for documentation. */
  public static Settings settings(List<String> groups) {
    return ConsoleSettings.of(groups);
  }

  /** The consumer groups named by {@code groups}; empty when the console discovers them. */
  public List<String> groups() {
    return groups;
  }

  /** Whether sign-in is required: a token, or a basic user and password, is configured. */
  public boolean authenticationConfigured() {
    return get(ConsoleSettings.AUTH_TOKEN) != null || get(ConsoleSettings.AUTH_USER) != null;
  }

  /** Collects properties; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder extends ServiceConfig.Builder<Builder> {
    private Function<String, String> environment = name -> null;

    private Builder() {
      super(ConsoleSettings.withAnyGroup());
    }

    @Override
    public Builder overrideFromEnvironment(Function<String, String> env) {
      this.environment = env;
      return super.overrideFromEnvironment(env);
    }

    /**
     * Validates every property: unknown keys (including those of groups not named by {@code
     * groups}), values, then authentication against the bind address.
     *
     * @throws IllegalArgumentException naming the first bad property
     */
    public ConsoleConfig build() {
      ServiceProperties first = properties();
      String named = first.get(ConsoleSettings.GROUPS.key());
      List<String> groups =
          named == null || named.isBlank() ? List.of() : ConsoleSettings.GROUPS.parse(named);
      try {
        // Again with the groups' own keys documented: their environment variables apply now,
        // and a key of a group that 'groups' does not name is refused.
        Settings settings = ConsoleSettings.of(groups);
        ServiceProperties values =
            settings
                .propertiesBuilder()
                .setAll(toProperties(first))
                .overrideFromEnvironment(environment)
                .build();
        ConsoleConfig config = new ConsoleConfig(settings, values, groups);
        requireAuthenticationOffLoopback(config);
        return config;
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }

    private static java.util.Properties toProperties(ServiceProperties values) {
      java.util.Properties p = new java.util.Properties();
      values.withPrefix("").forEach(p::setProperty);
      return p;
    }

    private static void requireAuthenticationOffLoopback(ConsoleConfig config) {
      boolean user = config.get(ConsoleSettings.AUTH_USER) != null;
      boolean password = config.get(ConsoleSettings.AUTH_PASSWORD) != null;
      if (user != password) {
        throw new IllegalArgumentException(
            "console: properties 'auth.user' and 'auth.password' go together: set both (the"
                + " password as RELAYBOX_AUTH_PASSWORD) or neither");
      }
      String host = config.get(ConsoleSettings.HTTP_HOST);
      if (!config.authenticationConfigured() && !isLoopback(host)) {
        throw new IllegalArgumentException(
            "console: property 'http.host' is '"
                + host
                + "', which is not a loopback address: a console reachable from other machines"
                + " needs authentication. Set RELAYBOX_AUTH_TOKEN (or auth.user and"
                + " RELAYBOX_AUTH_PASSWORD), or bind 127.0.0.1");
      }
    }

    private static boolean isLoopback(String host) {
      try {
        for (InetAddress address : InetAddress.getAllByName(host)) {
          if (!address.isLoopbackAddress()) {
            return false;
          }
        }
        return true;
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(
            "console: property 'http.host' names an unknown host '" + host + "'", e);
      }
    }
  }
}
