package dev.relaybox.consumers.host;

import dev.relaybox.config.ServiceConfig;
import dev.relaybox.config.ServiceProperties;
import dev.relaybox.config.Settings;
import dev.relaybox.consumers.host.internal.HostSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Immutable configuration of a {@link ServiceHost}: where Kafka, Postgres and the registry are, the
 * runners' shared settings, which services to run and each service's own settings ({@code
 * <service>.<key>}). Every key is listed with its default in {@code consumers/README.md} (generated
 * from {@link #settings}); {@code kafka.consumer.*} passes on to every runner's Kafka consumer.
 * Environment variables override keys ({@code RELAYBOX_PG_PASSWORD}). Thread-safe; {@link
 * #toString()} masks secrets.
 */
public final class HostConfig extends ServiceConfig {

  private final List<ConsumerService> services;

  private HostConfig(Settings settings, ServiceProperties values, List<ConsumerService> services) {
    super(settings, values);
    this.services = List.copyOf(services);
  }

  /** A builder for the services found with {@link ServiceLoader} on the context class loader. */
  public static Builder builder() {
    return builder(discover());
  }

  /** A builder for {@code available}: the services {@code services=} may name. */
  public static Builder builder(Collection<? extends ConsumerService> available) {
    return new Builder(available);
  }

  /**
   * A builder for the discovered services, with the defaults, then the properties file {@code
   * file}.
   *
   * @throws IOException naming the file when it cannot be read
   */
  public static Builder fromFile(Path file) throws IOException {
    return builder().load(file);
  }

  /** The settings of a host running {@code services}, for documentation. */
  public static Settings settings(Collection<? extends ConsumerService> services) {
    return HostSettings.of(List.copyOf(services), List.of());
  }

  /** The services found with {@link ServiceLoader} on the thread's context class loader. */
  public static List<ConsumerService> discover() {
    List<ConsumerService> found = new ArrayList<>();
    ServiceLoader.load(ConsumerService.class, Thread.currentThread().getContextClassLoader())
        .forEach(found::add);
    return found;
  }

  /** The services to run, in the order {@code services=} names them. */
  public List<ConsumerService> services() {
    return services;
  }

  /** Collects properties; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder extends ServiceConfig.Builder<Builder> {
    private final Map<String, ConsumerService> available = new LinkedHashMap<>();

    private Builder(Collection<? extends ConsumerService> available) {
      super(HostSettings.of(List.copyOf(available), List.of()));
      for (ConsumerService service : available) {
        if (this.available.put(service.name(), service) != null) {
          throw new IllegalArgumentException(
              "two consumer services are named '"
                  + service.name()
                  + "': "
                  + this.available.get(service.name()).getClass().getName()
                  + " and "
                  + service.getClass().getName());
        }
      }
    }

    /**
     * Validates every property: unknown keys first (with the nearest documented ones), then the
     * host's values and those of every enabled service.
     *
     * @throws IllegalArgumentException naming the first bad property, or an unknown service
     */
    public HostConfig build() {
      ServiceProperties values = properties();
      List<ConsumerService> enabled = new ArrayList<>();
      String names = values.get(HostSettings.SERVICES.key());
      List<String> wanted =
          names == null || names.isBlank()
              ? List.copyOf(available.keySet())
              : HostSettings.SERVICES.parse(names);
      for (String name : wanted) {
        ConsumerService service = available.get(name);
        if (service == null) {
          throw new IllegalArgumentException(
              "consumers: property 'services' names unknown service '"
                  + name
                  + "'; available: "
                  + available.keySet()
                  + " (a service is found through META-INF/services/"
                  + ConsumerService.class.getName()
                  + " on the classpath)");
        }
        if (!enabled.contains(service)) {
          enabled.add(service);
        }
      }
      if (enabled.isEmpty()) {
        throw new IllegalArgumentException(
            "consumers: no consumer service to run: none was found on the classpath (add a jar"
                + " whose META-INF/services/"
                + ConsumerService.class.getName()
                + " names one)");
      }
      List<ConsumerService> others = new ArrayList<>(available.values());
      others.removeAll(enabled);
      return new HostConfig(HostSettings.of(enabled, others), values, enabled);
    }
  }
}
