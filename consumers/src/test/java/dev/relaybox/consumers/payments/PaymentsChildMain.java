package dev.relaybox.consumers.payments;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.outbox.CleanupMode;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The payments service as a process of its own, for {@link PaymentsKillIT}.
 *
 * <p>Arguments: bootstrapServers jdbcUrl dbUser registryUrl gatewayUrl topic group schema
 * outboxTable; the database password comes from {@code RELAYBOX_TEST_DB_PASSWORD}.
 */
public final class PaymentsChildMain {

  private PaymentsChildMain() {}

  public static void main(String[] args) throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(args[1]);
    config.setUsername(args[2]);
    config.setPassword(System.getenv("RELAYBOX_TEST_DB_PASSWORD"));
    config.setMaximumPoolSize(2);
    HikariDataSource ds = new HikariDataSource(config);
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
            .callConcurrency(4)
            .consumerProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, args[6] + "-child")
            .consumerProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000")
            .consumerProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50")
            .build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  runner.close();
                  outbox.close();
                  ds.close();
                  stopped.countDown();
                }));
    runner.start();
    stopped.await();
  }
}
