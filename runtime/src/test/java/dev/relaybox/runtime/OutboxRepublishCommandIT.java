package dev.relaybox.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.LogicalSlot;
import dev.relaybox.devstack.Sql;
import dev.relaybox.outbox.CleanupMode;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
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

/** {@code relaybox outbox republish} against the devstack's Postgres, observed through a slot. */
@ExtendWith(DevStackExtension.class)
class OutboxRepublishCommandIT {
  private static final Schema NOTE =
      SchemaBuilder.record("Note")
          .namespace("dev.relaybox.runtime.test")
          .fields()
          .requiredString("text")
          .endRecord();

  private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final String schema = "republish_cli_" + id;
  private final String outboxTable = schema + ".outbox";
  private DevStack stack;
  private DataSource dataSource;
  private LogicalSlot slot;
  private List<UUID> ids;
  private List<Instant> createdAt;
  private List<String> rowsBefore;

  /** Five retained events written in five transactions, then a slot that sees what follows. */
  @BeforeEach
  void fiveRetainedEventsThenASlot(DevStack stack) throws SQLException {
    this.stack = stack;
    dataSource = stack.postgres().dataSource();
    try (Outbox outbox =
        Outbox.builder()
            .schema(schema)
            .cleanupMode(CleanupMode.RETAIN)
            .serializer((topic, data) -> data.toString().getBytes(UTF_8))
            .build()) {
      outbox.migrate(dataSource);
      for (int i = 0; i < 5; i++) {
        GenericData.Record note = new GenericData.Record(NOTE);
        note.put("text", "note " + i);
        try (Connection tx = dataSource.getConnection()) {
          tx.setAutoCommit(false);
          outbox.publish(tx, OutboxEvent.of("note", "n-" + i, note));
          tx.commit();
        }
      }
    }
    String inOrder = " FROM " + outboxTable + " ORDER BY created_at, id";
    ids = Sql.query(dataSource, "SELECT id" + inOrder, rs -> rs.getObject(1, UUID.class));
    createdAt =
        Sql.query(
            dataSource,
            "SELECT created_at" + inOrder,
            rs -> rs.getObject(1, OffsetDateTime.class).toInstant());
    rowsBefore = rows();
    slot = LogicalSlot.create(dataSource, "republish_cli_" + id);
  }

  @AfterEach
  void dropSlotAndSchema() throws SQLException {
    slot.close();
    Sql.execute(dataSource, "DROP SCHEMA " + schema + " CASCADE");
  }

  @Test
  void republishesTheWindowOnceAndLeavesEveryRowInPlace() throws SQLException {
    CliRun run =
        republish(
            "--from",
            createdAt.get(1).toString(),
            "--to",
            createdAt.get(3).toString(),
            "--batch-size",
            "1");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("2 retained event(s) in " + outboxTable)
        .contains("Re-inserted 2 event(s)");
    assertThat(slot.consumeInsertedIds(outboxTable)).containsExactly(ids.get(1), ids.get(2));
    assertThat(rows()).isEqualTo(rowsBefore);
  }

  @Test
  void dryRunCountsAndChangesNothing() throws SQLException {
    CliRun run =
        republish(
            "--from", createdAt.get(0).toString(), "--to", "2999-01-01T00:00:00Z", "--dry-run");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("5 retained event(s)").contains("Dry run: nothing changed.");
    assertThat(slot.consumeInsertedIds(outboxTable)).isEmpty();
    assertThat(rows()).isEqualTo(rowsBefore);
  }

  @Test
  void anEmptyWindowOrAMissingTableFindsNothing() throws SQLException {
    CliRun empty = republish("--from", "2999-01-01T00:00:00Z", "--to", "2999-01-02T00:00:00Z");
    assertThat(empty.exit()).isEqualTo(1);
    assertThat(empty.err()).contains("nothing to republish").contains("RETAIN");

    CliRun missing =
        republish(
            "--table", "nope", "--from", "2026-01-01T00:00:00Z", "--to", "2999-01-01T00:00:00Z");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("table " + schema + ".nope does not exist");
    assertThat(slot.consumeInsertedIds(outboxTable)).isEmpty();
  }

  @Test
  void badIdentifiersAndTimesAreUsageErrors() {
    CliRun badSchema =
        CliRun.of(
            "outbox",
            "republish",
            "--jdbc-url",
            stack.postgres().jdbcUrl(),
            "--schema",
            "Robert'); DROP TABLE outbox;--",
            "--from",
            "2026-01-01T00:00:00Z",
            "--to",
            "2026-01-02T00:00:00Z");
    assertThat(badSchema.exit()).isEqualTo(2);
    assertThat(badSchema.err()).contains("schema must be a lower-case SQL identifier");

    CliRun badTime = republish("--from", "yesterday", "--to", "2026-01-02T00:00:00Z");
    assertThat(badTime.exit()).isEqualTo(2);
    assertThat(badTime.err()).contains("--from").contains("expected an ISO-8601 instant");

    CliRun inverted = republish("--from", "2026-01-02T00:00:00Z", "--to", "2026-01-01T00:00:00Z");
    assertThat(inverted.exit()).isEqualTo(2);
    assertThat(inverted.err()).contains("must be before --to");
  }

  @Test
  void anUnreachableDatabaseIsReportedAsUnavailable() throws Exception {
    CliRun run =
        CliRun.withUnreachablePostgres(
            "outbox republish", "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z");
    assertThat(run.exit()).isEqualTo(RelayboxCli.EXIT_UNAVAILABLE);
    assertThat(run.err())
        .contains("cannot connect to Postgres at jdbc:postgresql://127.0.0.1:")
        .contains("$RELAYBOX_PG_PASSWORD")
        .doesNotContain(CliRun.URL_PASSWORD);
  }

  private CliRun republish(String... options) {
    List<String> all = new ArrayList<>(List.of("--schema", schema));
    all.addAll(List.of(options));
    return CliRun.withPostgres(stack, "outbox republish", all.toArray(String[]::new));
  }

  /** Every row as text, in (created_at, id) order. */
  private List<String> rows() throws SQLException {
    return Sql.query(
        dataSource,
        "SELECT o::text FROM " + outboxTable + " o ORDER BY created_at, id",
        rs -> rs.getString(1));
  }
}
