package dev.relaybox.consumers.saga;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.TestSupport;
import dev.relaybox.outbox.Outbox;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The saga orchestrator process of {@link SagaEngineKillNineIT}: a runner applying the reply topic
 * to the {@link KillSagas} sagas, with their poller, until killed.
 *
 * <p>Arguments: bootstrapServers jdbcUrl dbUser topic group; the database password comes from the
 * environment variable {@value TestSupport#DB_PASSWORD_ENV}.
 */
public final class ChildSagaMain {

  private ChildSagaMain() {}

  public static void main(String[] args) throws Exception {
    HikariDataSource ds = TestSupport.childPool(args[1], args[2]);
    ds.setMaximumPoolSize(10);
    String group = args[4];
    Outbox outbox = KillSagas.outbox(group);
    SagaDefinition<String> definition = KillSagas.definition(group);
    Sagas sagas =
        KillSagas.sagas(ds, group, outbox, definition)
            .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
            .pollInterval(Duration.ofMillis(200))
            .build()
            .start();
    ConsumerRunner runner =
        ConsumerRunner.builder()
            .bootstrapServers(args[0])
            .groupId(group)
            .topics(args[3])
            .dataSource(ds)
            .deserializer(TestSupport.DESERIALIZER)
            .processedKeysTable(group + "_keys")
            .maxInFlight(16)
            .initialBackoff(Duration.ofMillis(50))
            .maxBackoff(Duration.ofMillis(500))
            // Static membership: a restarted child takes over at once (see ChildConsumerMain).
            .consumerProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, group + "-child")
            .consumerProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000")
            .consumerProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100")
            .handler(sagas.replyHandler(definition, KillSagas::reply))
            .build();
    TestSupport.runUntilStopped(runner, sagas::close, outbox::close, ds::close);
  }
}
