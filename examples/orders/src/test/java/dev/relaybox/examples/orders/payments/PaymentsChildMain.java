package dev.relaybox.examples.orders.payments;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.TestSupport;
import dev.relaybox.outbox.CleanupMode;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The payments service as a process of its own, for {@link PaymentsKillIT}.
 *
 * <p>Arguments: bootstrapServers jdbcUrl dbUser registryUrl gatewayUrl topic group schema
 * outboxTable; the database password comes from {@value TestSupport#DB_PASSWORD_ENV}.
 */
public final class PaymentsChildMain {

  private PaymentsChildMain() {}

  public static void main(String[] args) throws Exception {
    HikariDataSource ds = TestSupport.childPool(args[1], args[2]);
    SchemaRegistryClient registry = SchemaRegistryClient.builder().urls(args[3]).build();
    Outbox outbox =
        Outbox.builder()
            .table(args[8])
            .serializer(Orders.serializer(registry))
            .cleanupMode(CleanupMode.RETAIN)
            .build();
    ConsumerRunner runner =
        ConsumerRunner.builder()
            .bootstrapServers(args[0])
            .groupId(args[6])
            .topics(args[5])
            .dataSource(ds)
            .deserializer(Orders.deserializer(registry))
            .processedKeysSchema(args[7])
            .handler(PaymentsHandler.create(args[4], outbox, args[7], Duration.ofSeconds(5)))
            .maxInFlight(16)
            .consumerProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, args[6] + "-child")
            .consumerProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000")
            .consumerProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50")
            .build();
    TestSupport.runUntilStopped(runner, outbox::close, ds::close);
  }
}
