package dev.relaybox.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.consumers.saga.OnTimeout;
import dev.relaybox.consumers.saga.SagaAdmin;
import dev.relaybox.consumers.saga.SagaContext;
import dev.relaybox.consumers.saga.SagaDataCodec;
import dev.relaybox.consumers.saga.SagaDefinition;
import dev.relaybox.consumers.saga.SagaStatus;
import dev.relaybox.consumers.saga.Sagas;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.Sql;
import dev.relaybox.outbox.CleanupMode;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code relaybox sagas} on a saga table moved by a real {@link Sagas} poller: {@code fulfil}
 * reserves (local, released when compensated) then ships (a command with a 300 ms deadline that
 * parks it); {@code waiting} sends a command whose reply never comes, without a deadline.
 */
@ExtendWith(DevStackExtension.class)
class SagasCommandIT {
  private static final Schema COMMAND =
      SchemaBuilder.record("Command").fields().requiredString("step").endRecord();
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final String keys = "sagait" + id + "_keys";
  private final String outboxTable = "sagait" + id + "_outbox";
  private final String released = "sagait" + id + "_released";
  private DevStack stack;
  private DataSource dataSource;
  private Outbox outbox;
  private Sagas sagas;
  private SagaAdmin admin;

  @BeforeEach
  void sagasInEveryState(DevStack stack) throws Exception {
    this.stack = stack;
    dataSource = stack.postgres().dataSource();
    Sql.execute(dataSource, "CREATE TABLE " + released + " (saga_id text)");
    outbox =
        Outbox.builder()
            .table(outboxTable)
            .cleanupMode(CleanupMode.RETAIN)
            .serializer((t, data) -> data.toString().getBytes(UTF_8))
            .build();
    outbox.migrate(dataSource);
    SagaDefinition<String> fulfil =
        SagaDefinition.builder("fulfil", SagaDataCodec.json(String.class))
            .step("reserve")
            .action(s -> {})
            .compensation(
                s -> {
                  try (var ps =
                      s.tx().prepareStatement("INSERT INTO " + released + " VALUES (?)")) {
                    ps.setString(1, s.sagaId());
                    ps.executeUpdate();
                  }
                })
            .local()
            .step("ship")
            .action(s -> command(s, "ship"))
            .deadline(Duration.ofMillis(300), OnTimeout.PARK)
            .build();
    SagaDefinition<String> waiting =
        SagaDefinition.builder("waiting", SagaDataCodec.json(String.class))
            .step("charge")
            .action(s -> command(s, "charge"))
            .build();
    sagas =
        Sagas.builder()
            .dataSource(dataSource)
            .outbox(outbox)
            .processedKeysTable("public", keys)
            .saga(fulfil)
            .saga(waiting)
            .pollInterval(Duration.ofMillis(100))
            .build()
            .start();
    try (Connection tx = dataSource.getConnection()) {
      tx.setAutoCommit(false);
      sagas.begin(tx, fulfil, "p1", "{\"order\":\"p1\"}");
      sagas.begin(tx, waiting, "w1", "w1 data");
      tx.commit();
    }
    admin = SagaAdmin.of(dataSource, "public", keys);
    await()
        .atMost(WAIT)
        .until(() -> admin.find("fulfil", "p1").orElseThrow().status() == SagaStatus.PARKED);
  }

  private void command(SagaContext<String> saga, String step) throws SQLException {
    GenericData.Record payload = new GenericData.Record(COMMAND);
    payload.put("step", step);
    saga.publish(OutboxEvent.of(step, saga.sagaId(), payload));
  }

  @AfterEach
  void stop() throws Exception {
    sagas.close();
    outbox.close();
    Sql.execute(dataSource, "DROP TABLE IF EXISTS " + released + ", " + outboxTable);
  }

  @Test
  void listAndShowTellWhatEachSagaWaitsFor() throws Exception {
    CliRun run = sagas("list", "--status", "parked");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .containsPattern("fulfil +p1 +parked +ship +none +1 ")
        .contains("step ship: no reply within PT0.3S")
        .contains("1 saga(s) shown.")
        .doesNotContain("w1");
    JsonNode all = new ObjectMapper().readTree(sagas("list", "--json").out());
    assertThat(all).hasSize(2);
    await()
        .atMost(WAIT)
        .until(() -> sagas("list", "--type", "waiting", "--stuck", "1s").out().contains("w1"));

    CliRun show = sagas("show", "--type", "fulfil", "p1");
    assertThat(show.exit()).as(show.err()).isZero();
    assertThat(show.out())
        .contains("saga             fulfil/p1")
        .contains("status           parked (was running)")
        .contains("current step     ship (attempt 1)")
        .contains("completed steps  reserve")
        .contains("data (20 bytes)  \"{\\\"order\\\":\\\"p1\\\"}\""); // a JSON string
    assertThat(sagas("show", "--type", "waiting", "w1").out())
        .contains("waits for        its reply, no deadline");
    CliRun missing = sagas("show", "--type", "fulfil", "nope");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("no saga fulfil/nope");
  }

  @Test
  void retryRunsTheStepAgainAndCompensateUndoesTheCompletedSteps() throws Exception {
    assertThat(commands("ship")).isEqualTo(1);
    CliRun retry = sagas("retry", "--type", "fulfil", "p1", "--as", "alice");
    assertThat(retry.exit()).as(retry.err()).isZero();
    assertThat(retry.out())
        .contains("retried fulfil/p1: now running at step ship (retry by alice)");
    // The poller sends the command again; with no reply the deadline parks it again.
    await().atMost(WAIT).until(() -> commands("ship") == 2);
    await()
        .atMost(WAIT)
        .until(() -> admin.find("fulfil", "p1").orElseThrow().status() == SagaStatus.PARKED);

    CliRun compensate = sagas("compensate", "--type", "fulfil", "p1", "--as", "bob");
    assertThat(compensate.exit()).as(compensate.err()).isZero();
    assertThat(compensate.out()).contains("compensating fulfil/p1").contains("compensate by bob");
    await()
        .atMost(WAIT)
        .until(() -> admin.find("fulfil", "p1").orElseThrow().status() == SagaStatus.COMPENSATED);
    assertThat(Sql.query(dataSource, "SELECT saga_id FROM " + released, rs -> rs.getString(1)))
        .containsExactly("p1");

    CliRun again = sagas("retry", "--type", "fulfil", "p1", "unknown");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("is COMPENSATED").contains("no saga fulfil/unknown");
    assertThat(again.out()).contains("0 saga(s) retried, 2 refused");
  }

  @Test
  void badInputIsRefusedBeforeAnySql() {
    assertThat(sagas("list", "--type", "x'; DROP TABLE t; --").exit()).isEqualTo(2);
    assertThat(sagas("list", "--status", "stuck").err()).contains("--status must be running");
    assertThat(sagas("list", "--limit", "0").exit()).isEqualTo(2);
    assertThat(sagas("retry", "--type", "fulfil", "p1\u0000").exit()).isEqualTo(2);
    assertThat(sagas("show", "--type", "fulfil", "--schema", "Bad Schema", "p1").exit())
        .isEqualTo(2);
    CliRun noTable = sagas("list", "--processed-keys-table", "nosuch" + id);
    assertThat(noTable.exit()).isEqualTo(1);
    assertThat(noTable.err()).contains("no saga table public.nosuch" + id + "_sagas");
  }

  private long commands(String type) throws SQLException {
    return Sql.query(
            dataSource,
            "SELECT count(*) FROM " + outboxTable + " WHERE aggregatetype = '" + type + "'",
            rs -> rs.getLong(1))
        .get(0);
  }

  private CliRun sagas(String... args) {
    List<String> options = new ArrayList<>(List.of(args).subList(1, args.length));
    options.addAll(List.of("--processed-keys-table", keys));
    // A test naming its own table gets only its own.
    if (List.of(args).contains("--processed-keys-table")) {
      options = new ArrayList<>(List.of(args).subList(1, args.length));
    }
    return CliRun.withPostgres(stack, "sagas " + args[0], options.toArray(String[]::new));
  }
}
