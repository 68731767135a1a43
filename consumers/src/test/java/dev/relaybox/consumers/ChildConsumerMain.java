package dev.relaybox.consumers;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * A consumer process for {@link KillNineIT}: runs the pure-DB effects handler until killed.
 *
 * <p>Arguments: bootstrapServers jdbcUrl dbUser topic group effectsTable; the database password
 * comes from the environment variable {@code RELAYBOX_TEST_DB_PASSWORD} (never on a command line).
 */
public final class ChildConsumerMain {

  private ChildConsumerMain() {}

  public static void main(String[] args) throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(args[1]);
    config.setUsername(args[2]);
    config.setPassword(System.getenv("RELAYBOX_TEST_DB_PASSWORD"));
    config.setMaximumPoolSize(2);
    HikariDataSource ds = new HikariDataSource(config);
    ConsumerRunner runner =
        ConsumerRunner.builder()
            .bootstrapServers(args[0])
            .groupId(args[4])
            .topics(args[3])
            .dataSource(ds)
            .deserializer(TestSupport.DESERIALIZER)
            .processedKeysTable(args[4] + "_keys")
            // Static membership: a restarted child takes over its predecessor's partitions at
            // once instead of waiting for the killed member's session to expire.
            .consumerProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, args[4] + "-child")
            .consumerProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000")
            .consumerProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200")
            .handler(TestSupport.effectsHandler(args[5]))
            .build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  runner.close();
                  ds.close();
                  stopped.countDown();
                }));
    runner.start();
    System.out.println("child started");
    stopped.await();
  }
}
