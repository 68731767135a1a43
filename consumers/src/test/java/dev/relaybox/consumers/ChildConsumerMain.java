package dev.relaybox.consumers;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * A consumer process for {@link KillNineIT}: runs the pure-DB effects handler until killed.
 *
 * <p>Arguments: bootstrapServers jdbcUrl dbUser topic group effectsTable; the database password
 * comes from the environment variable {@value TestSupport#DB_PASSWORD_ENV} (never on a command
 * line).
 */
public final class ChildConsumerMain {

  private ChildConsumerMain() {}

  public static void main(String[] args) throws Exception {
    HikariDataSource ds = TestSupport.childPool(args[1], args[2]);
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
    TestSupport.runUntilStopped(runner, ds::close);
  }
}
