package dev.relaybox.consumers;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * A consumer process for {@link KillNineIT}: applies events whose bodies are {@code <key>#<seq>}
 * until killed. In the effect's transaction it moves the key's {@code last_seq} from seq - 1 to
 * seq, and fails for good (the dead set) if that is not where the key stands: an event out of order
 * cannot go unnoticed. About 20 % of first attempts (and some second and third) fail transiently,
 * so keys park and catch up all the time.
 *
 * <p>Arguments: bootstrapServers jdbcUrl dbUser topic group effectsTable progressTable; the
 * database password comes from the environment variable {@value TestSupport#DB_PASSWORD_ENV}.
 */
public final class ChildConsumerMain {

  private ChildConsumerMain() {}

  public static void main(String[] args) throws Exception {
    HikariDataSource ds = TestSupport.childPool(args[1], args[2]);
    ds.setMaximumPoolSize(10);
    String effects = args[5];
    String progress = args[6];
    EventHandler handler =
        (event, tx) -> {
          if (event.attempt() <= 3 && transientFailure(event.eventId(), event.attempt())) {
            throw new RetryableEventException("injected failure, attempt " + event.attempt());
          }
          String body = (String) event.value();
          long seq = Long.parseLong(body.substring(body.indexOf('#') + 1));
          try (PreparedStatement ps =
              tx.prepareStatement(
                  "UPDATE " + progress + " SET last_seq = ? WHERE key = ? AND last_seq = ?")) {
            ps.setLong(1, seq);
            ps.setString(2, event.key());
            ps.setLong(3, seq - 1);
            if (ps.executeUpdate() != 1) {
              throw new IllegalStateException(body + " arrived out of order");
            }
          }
          TestSupport.effectsHandler(effects).handle(event, tx);
        };
    ConsumerRunner runner =
        ConsumerRunner.builder()
            .bootstrapServers(args[0])
            .groupId(args[4])
            .topics(args[3])
            .dataSource(ds)
            .deserializer(TestSupport.DESERIALIZER)
            .processedKeysTable(args[4] + "_keys")
            .maxInFlight(16)
            .maxAttempts(10)
            .initialBackoff(Duration.ofMillis(50))
            .maxBackoff(Duration.ofMillis(500))
            // Static membership: a restarted child takes over its predecessor's partitions at
            // once instead of waiting for the killed member's session to expire.
            .consumerProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, args[4] + "-child")
            .consumerProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000")
            .consumerProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200")
            .handler(handler)
            .build();
    TestSupport.runUntilStopped(runner, ds::close);
  }

  /** About one in five, decided by the event and the attempt, the same in every process. */
  static boolean transientFailure(UUID eventId, int attempt) {
    byte[] bytes = (eventId + "/" + attempt).getBytes(StandardCharsets.UTF_8);
    return Math.floorMod(java.util.Arrays.hashCode(bytes), 5) == 0;
  }
}
