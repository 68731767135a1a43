package dev.relaybox.examples.orders.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.config.Setting;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.host.ServiceContext;
import dev.relaybox.outbox.Outbox;
import java.time.Duration;
import java.util.Arrays;
import org.apache.avro.Schema;

/** What the example consumer services share when the service host starts them. */
public final class ServiceSupport {

  private ServiceSupport() {}

  /** {@code <service>.connect.timeout.ms}, the TCP connect timeout towards the third party. */
  public static Setting<Duration> connectTimeout(String service) {
    return Setting.millis(service + ".connect.timeout.ms", 1, Integer.MAX_VALUE)
        .defaultValue("5000")
        .doc("TCP connect timeout towards the third party")
        .build();
  }

  /** {@code <service>.request.timeout.ms}, one request's timeout (a timeout is retried). */
  public static Setting<Duration> requestTimeout(String service) {
    return Setting.millis(service + ".request.timeout.ms", 1, Integer.MAX_VALUE)
        .defaultValue("10000")
        .doc("timeout of one request to the third party; retried with the same key")
        .build();
  }

  /**
   * An outbox on the host's schema, table, registry and topic pattern that registers {@code
   * publishes} at start; closed when the host stops.
   */
  public static Outbox outbox(ServiceContext context, Schema... publishes) {
    Outbox outbox =
        Outbox.builder()
            .schema(context.schema())
            .table(context.outboxTable())
            .schemaRegistryUrl(context.get(CommonSettings.SCHEMA_REGISTRY_URL))
            .topicPattern(context.get(CommonSettings.TOPIC_PATTERN).toString())
            .warmUp(publishes)
            .build();
    context.closeOnStop(outbox);
    outbox.migrate(context.dataSource());
    return outbox;
  }

  /**
   * The host's runner on the topics of {@code aggregateTypes}: the service sets its handler and
   * hands it to {@link ServiceContext#run}.
   */
  public static ConsumerRunner.Builder runner(ServiceContext context, String... aggregateTypes) {
    return context
        .runner()
        .topics(Arrays.stream(aggregateTypes).map(context::topicFor).toArray(String[]::new));
  }
}
