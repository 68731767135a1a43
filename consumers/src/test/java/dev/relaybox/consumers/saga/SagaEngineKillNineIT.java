package dev.relaybox.consumers.saga;

import static dev.relaybox.consumers.TestSupport.queryLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.TestSupport;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.outbox.Outbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The saga orchestrator process ({@link ChildSagaMain}) is SIGKILLed five times while sagas run; a
 * participant thread here answers each command row of the outbox once (30 % of reservations fail:
 * out of stock). At the source of truth, the outbox and the effects table: every saga ends
 * COMPLETED (charge and reserve sent once, one email) or COMPENSATED (charge, reserve and refund
 * sent once, no email), none lost, none doubled.
 *
 * <p>{@code -Drelaybox.soak.sagas=5000} scales it up (default 400).
 */
@ExtendWith(DevStackExtension.class)
class SagaEngineKillNineIT {

  private static final int SAGAS = Integer.getInteger("relaybox.soak.sagas", 400);
  private static final int KILLS = 5;

  private final String group = TestSupport.unique("sagakill");
  private final String topic = "it." + group;
  private final String outboxTable = group + "_outbox";

  static boolean outOfStock(String sagaId) {
    return Math.floorMod(sagaId.hashCode(), 10) < 3;
  }

  @Test
  void everySagaEndsInExactlyOneConsistentStateAfterFiveKills(DevStack stack) throws Exception {
    stack.kafka().createTopic(topic, 4);
    Path log = Files.createTempFile("relaybox-saga-kill-child", ".log");
    try (HikariDataSource ds = TestSupport.pool(stack, 3);
        Outbox outbox = KillSagas.outbox(group)) {
      outbox.migrate(ds);
      TestSupport.execute(ds, "CREATE TABLE " + group + "_emails (saga_id text)");
      SagaDefinition<String> definition = KillSagas.definition(group);
      try (Sagas sagas = KillSagas.sagas(ds, group, outbox, definition).build().start()) {
        for (int i = 0; i < SAGAS; i += 100) {
          try (Connection tx = ds.getConnection()) {
            tx.setAutoCommit(false);
            for (int j = i; j < Math.min(i + 100, SAGAS); j++) {
              sagas.begin(tx, definition, "o-" + j, "order " + j);
            }
            tx.commit();
          }
        }
      }
      Participant participant = new Participant(stack, ds);
      String finals =
          "SELECT count(*) FROM "
              + group
              + "_keys_sagas WHERE status IN ('COMPLETED', 'COMPENSATED')";
      for (int kill = 1; kill <= KILLS; kill++) {
        long before = queryLong(ds, finals);
        Process child = TestSupport.startChild(stack, ChildSagaMain.class, log, topic, group);
        try {
          long target = Math.min(before + SAGAS / 10, SAGAS - 1);
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(20))
              .until(() -> queryLong(ds, finals) >= target || !child.isAlive());
          assertThat(child.isAlive()).as("child alive before kill %d, see %s", kill, log).isTrue();
        } finally {
          child.destroyForcibly().waitFor();
        }
        long atKill = queryLong(ds, finals);
        LoggerFactory.getLogger(SagaEngineKillNineIT.class)
            .info("kill -9 number={} finalSagasAtKill={} of={}", kill, atKill, SAGAS);
        assertThat(atKill).as("kill %d must hit the flow, not its end", kill).isLessThan(SAGAS);
      }
      Process last = TestSupport.startChild(stack, ChildSagaMain.class, log, topic, group);
      try {
        await().atMost(Duration.ofSeconds(180)).until(() -> queryLong(ds, finals) == SAGAS);
      } finally {
        last.destroy();
        last.waitFor();
        participant.close();
      }
      assertConsistent(ds);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private void assertConsistent(HikariDataSource ds) throws Exception {
    long failed = 0;
    for (int i = 0; i < SAGAS; i++) {
      failed += outOfStock("o-" + i) ? 1 : 0;
    }
    String sagaTable = group + "_keys_sagas";
    assertThat(queryLong(ds, "SELECT count(*) FROM " + sagaTable + " WHERE status = 'COMPLETED'"))
        .isEqualTo(SAGAS - failed);
    assertThat(queryLong(ds, "SELECT count(*) FROM " + sagaTable + " WHERE status = 'COMPENSATED'"))
        .isEqualTo(failed);
    assertThat(
            queryLong(
                ds,
                "SELECT count(*) FROM (SELECT 1 FROM "
                    + outboxTable
                    + " GROUP BY aggregateid, aggregatetype HAVING count(*) > 1) doubled"))
        .as("no command sent twice")
        .isZero();
    assertThat(
            queryLong(
                ds,
                "SELECT count(*) FROM "
                    + outboxTable
                    + " WHERE aggregatetype IN"
                    + " ('charge', 'reserve')"))
        .isEqualTo(2L * SAGAS);
    assertThat(
            queryLong(
                ds, "SELECT count(*) FROM " + outboxTable + " WHERE aggregatetype =" + " 'refund'"))
        .isEqualTo(failed);
    assertThat(
            queryLong(
                ds,
                "SELECT count(*) FROM " + outboxTable + " WHERE aggregatetype =" + " 'release'"))
        .isZero();
    assertThat(queryLong(ds, "SELECT count(*) FROM " + group + "_emails"))
        .isEqualTo(SAGAS - failed);
    assertThat(queryLong(ds, "SELECT count(DISTINCT saga_id) FROM " + group + "_emails"))
        .isEqualTo(SAGAS - failed);
    assertThat(
            queryLong(
                ds,
                "SELECT count(*) FROM "
                    + sagaTable
                    + " s JOIN "
                    + group
                    + "_emails e USING (saga_id) WHERE s.status <> 'COMPLETED'"))
        .as("no email for a compensated saga")
        .isZero();
    assertThat(TestSupport.deadSet(ds, group).list(group, null, null, 10)).isEmpty();
  }

  /**
   * Answers every command row once, at most 10 per tick of 50 ms (a participant's pace), on a
   * scheduled thread until closed; a failed tick fails the test at close.
   */
  private final class Participant implements AutoCloseable {
    private final Set<UUID> answered = new HashSet<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final HikariDataSource ds;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ScheduledExecutorService ticks =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "participant"));

    Participant(DevStack stack, HikariDataSource ds) {
      this.ds = ds;
      this.producer = TestSupport.producer(stack);
      ticks.scheduleWithFixedDelay(this::tick, 0, 50, TimeUnit.MILLISECONDS);
    }

    private void tick() {
      try {
        List<String[]> commands =
            dev.relaybox.devstack.Sql.query(
                ds,
                "SELECT id, aggregatetype, aggregateid FROM "
                    + outboxTable
                    + " ORDER BY created_at",
                rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
        int sent = 0;
        for (String[] c : commands) {
          UUID id = UUID.fromString(c[0]);
          if (sent < 10 && answered.add(id)) {
            String outcome =
                switch (c[1]) {
                  case "charge" -> "charge|ok";
                  case "reserve" -> outOfStock(c[2]) ? "reserve|failed:out of stock" : "reserve|ok";
                  case "refund" -> "charge|compensated";
                  default -> "reserve|compensated";
                };
            UUID replyId = UUID.nameUUIDFromBytes(c[0].getBytes(StandardCharsets.UTF_8));
            producer.send(TestSupport.event(topic, replyId, c[2], c[2] + "|" + outcome)).get();
            sent++;
          }
        }
      } catch (Exception e) {
        failure.compareAndSet(null, e);
        throw new IllegalStateException(e); // cancels the schedule: the test fails at close
      }
    }

    @Override
    public void close() throws Exception {
      ticks.shutdown();
      assertThat(ticks.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      producer.close();
      assertThat(failure.get()).as("participant").isNull();
    }
  }
}
