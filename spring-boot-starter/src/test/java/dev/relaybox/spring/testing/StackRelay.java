package dev.relaybox.spring.testing;

import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.relay.Relay;
import dev.relaybox.relay.RelayConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The dev stack seen from a Spring Boot test: its addresses as Spring properties, and a relay on
 * its own outbox table, slot and topics, so test classes sharing the stack never see each other's
 * events. Shared with the Spring example's tests.
 */
public final class StackRelay implements AutoCloseable {

  private final Relay relay;

  private StackRelay(Relay relay) {
    this.relay = relay;
  }

  /**
   * The DataSource, schema registry and Kafka properties of the stack, read when the context
   * starts, and the outbox table and topic pattern of {@code id}.
   */
  public static void register(
      DynamicPropertyRegistry registry, Supplier<DevStack> stack, String id) {
    suppliers(stack, id).forEach(registry::add);
  }

  /** The same properties as values, e.g. for a {@code SpringApplicationBuilder}. */
  public static Map<String, Object> properties(DevStack stack, String id) {
    Map<String, Object> values = new LinkedHashMap<>();
    suppliers(() -> stack, id).forEach((key, value) -> values.put(key, value.get()));
    return values;
  }

  private static Map<String, Supplier<Object>> suppliers(Supplier<DevStack> stack, String id) {
    Map<String, Supplier<Object>> p = new LinkedHashMap<>();
    p.put("spring.datasource.url", () -> stack.get().postgres().jdbcUrl());
    p.put("spring.datasource.username", () -> stack.get().postgres().username());
    p.put("spring.datasource.password", () -> stack.get().postgres().password());
    p.put("relaybox.schema-registry.url", () -> stack.get().schemaRegistry().url());
    p.put("relaybox.kafka.bootstrap-servers", () -> stack.get().kafka().bootstrapServers());
    p.put("relaybox.outbox.table", () -> outboxTable(id));
    p.put("relaybox.outbox.topic-pattern", () -> topic(id, "${aggregatetype}"));
    return p;
  }

  /** The outbox table of {@code id}. */
  public static String outboxTable(String id) {
    return id + "_outbox";
  }

  /** The topic the relay of {@code id} publishes an aggregate type to. */
  public static String topic(String id, String aggregateType) {
    return id + "." + aggregateType;
  }

  /**
   * Starts a relay on {@code public.<id>_outbox} (which must exist) and waits until it streams:
   * rows written before its slot exists would never be read.
   */
  public static StackRelay start(DevStack stack, String id) {
    RelayConfig.Builder config =
        RelayConfig.builder()
            .name("relay-" + id)
            .offsetsTopic(id + ".relay.offsets")
            .outboxTable("public", outboxTable(id))
            .slotAndPublication("slot_" + id, "pub_" + id)
            .topicPattern(topic(id, "${aggregatetype}"))
            .set("dlq.topic", id + ".relay.dlq")
            .set("poll.interval.ms", "20");
    stack.relayProperties().forEach(config::set);
    Relay relay = Relay.create(config.build());
    relay.start();
    StackRelay started = new StackRelay(relay);
    try {
      await("relay streaming")
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                if (!relay.isHealthy()) {
                  throw new IllegalStateException("relay failed", relay.failure().orElse(null));
                }
                return relay.isReady();
              });
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
    return started;
  }

  @Override
  public void close() {
    relay.close();
  }
}
