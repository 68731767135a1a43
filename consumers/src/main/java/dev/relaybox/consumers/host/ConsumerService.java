package dev.relaybox.consumers.host;

import dev.relaybox.config.Setting;
import java.util.List;

/**
 * A consumer service the {@link ServiceHost} runs: one or more consumer groups with their handlers,
 * e.g. a payments service. Register it by code ({@link ServiceHost#start(HostConfig, List)}), with
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/dev.relaybox.consumers.host.
 * ConsumerService} file naming the class, which needs a public no-argument constructor) or as a
 * Spring bean.
 *
 * <pre>{@code
 * public final class GreeterService implements ConsumerService {
 *   static final Setting<String> GREETING =
 *       Setting.text("greeter.greeting").defaultValue("hello").doc("what to say").build();
 *
 *   public String name() { return "greeter"; }
 *   public List<Setting<?>> settings() { return List.of(GREETING); }
 *   public void start(ServiceContext context) {
 *     context.run(context.runner()
 *         .topics(context.topicFor("customer"))
 *         .handler((event, tx) -> greet(tx, event, context.get(GREETING))));
 *   }
 * }
 * }</pre>
 */
public interface ConsumerService {

  /**
   * The service's name: lower-case letters, digits and {@code -}, e.g. {@code payments}. It is what
   * the host's {@code services} setting lists, the prefix of the service's own settings ({@code
   * payments.}) and the default consumer group (override with {@code <name>.group}).
   */
  String name();

  /**
   * The service's own settings; each key starts with {@code name() + "."}. They are validated, and
   * overridable from {@code RELAYBOX_*} variables, only when the service is enabled. Default none.
   */
  default List<Setting<?>> settings() {
    return List.of();
  }

  /**
   * Prepares the service (migrates its tables, builds its clients) and hands its runners to {@link
   * ServiceContext#run}. Called once per host start, before any runner of any service starts, on a
   * thread of its own while the other services start too: it must not wait for another service.
   * Anything it opens and registers with {@link ServiceContext#closeOnStop} is closed when the host
   * stops.
   *
   * @throws Exception when the service cannot start; the host stops what it started and fails
   */
  void start(ServiceContext context) throws Exception;
}
