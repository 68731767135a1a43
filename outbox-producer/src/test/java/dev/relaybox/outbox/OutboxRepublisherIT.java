package dev.relaybox.outbox;

import static dev.relaybox.outbox.TestEvents.AVRO_BINARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.LogicalSlot;
import dev.relaybox.devstack.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Republishing against the devstack's Postgres, observed the way the relay observes it: through a
 * logical replication slot created after the events were written.
 */
@ExtendWith(DevStackExtension.class)
class OutboxRepublisherIT {
  private final String schema = TestEvents.randomName("republish_it");
  private DataSource dataSource;
  private LogicalSlot slot;

  /** The six rows written, in (created_at, id) order. */
  private List<String> rowsBefore;

  private List<UUID> ids;
  private List<OffsetDateTime> createdAt;

  @BeforeEach
  void sixEventsInSixTransactionsThenASlot(DevStack stack) throws SQLException {
    dataSource = stack.postgres().dataSource();
    try (Outbox outbox =
        Outbox.builder()
            .schema(schema)
            .cleanupMode(CleanupMode.RETAIN)
            .serializer(AVRO_BINARY)
            .build()) {
      outbox.migrate(dataSource);
      for (int i = 0; i < 6; i++) {
        try (Connection tx = dataSource.getConnection()) {
          tx.setAutoCommit(false);
          outbox.publish(
              tx,
              OutboxEvent.builder()
                  .aggregateType("thing")
                  .aggregateId("t-" + (i % 2))
                  .payload(TestEvents.thing("note " + i))
                  .header("tenant", "acme-" + i)
                  .build());
          tx.commit();
        }
      }
    }
    rowsBefore = rows();
    String inOrder = " FROM " + schema + ".outbox ORDER BY created_at, id";
    ids = Sql.query(dataSource, "SELECT id" + inOrder, rs -> rs.getObject(1, UUID.class));
    createdAt =
        Sql.query(
            dataSource, "SELECT created_at" + inOrder, rs -> rs.getObject(1, OffsetDateTime.class));
    assertThat(createdAt).doesNotHaveDuplicates();
    slot = LogicalSlot.create(dataSource, TestEvents.randomName("republish_it"));
  }

  @AfterEach
  void dropSlotAndSchema() throws SQLException {
    if (slot != null) {
      slot.close();
    }
    execute("DROP SCHEMA " + schema + " CASCADE");
  }

  @Test
  void republishesExactlyTheWindowAndKeepsEveryRowOnce() throws SQLException {
    OutboxRepublisher republisher =
        OutboxRepublisher.builder().dataSource(dataSource).schema(schema).batchSize(2).build();
    Instant from = createdAt.get(1).toInstant();
    Instant to = createdAt.get(4).toInstant(); // exclusive: events 1, 2, 3

    assertThat(republisher.count(from, to)).isEqualTo(3);
    List<Long> progress = new ArrayList<>();
    long republished = republisher.republish(from, to, progress::add);

    assertThat(republished).isEqualTo(3);
    assertThat(progress).containsExactly(2L, 3L);
    assertThat(insertedIds()).containsExactly(ids.get(1), ids.get(2), ids.get(3));
    assertThat(rows()).isEqualTo(rowsBefore); // same rows, every column, each exactly once
  }

  @Test
  void aCrashInTheMiddleOfABatchLeavesEveryRowOnceAndARerunFinishes() throws SQLException {
    // The backend dies while inserting event 3 again: batch {2, 3} had already deleted both rows.
    execute(
        "CREATE FUNCTION "
            + schema
            + ".crash() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " IF NEW.id = '"
            + ids.get(3)
            + "' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;"
            + " RETURN NEW; END $$");
    execute(
        "CREATE TRIGGER crash BEFORE INSERT ON "
            + schema
            + ".outbox FOR EACH ROW EXECUTE FUNCTION "
            + schema
            + ".crash()");
    OutboxRepublisher republisher =
        OutboxRepublisher.builder().dataSource(dataSource).schema(schema).batchSize(2).build();
    Instant from = createdAt.get(0).toInstant();
    Instant to = createdAt.get(5).toInstant().plusSeconds(1);

    assertThatThrownBy(() -> republisher.republish(from, to, done -> {}))
        .isInstanceOf(SQLException.class);

    assertThat(rows()).isEqualTo(rowsBefore);
    assertThat(insertedIds()).containsExactly(ids.get(0), ids.get(1)); // the committed batch

    execute("DROP TRIGGER crash ON " + schema + ".outbox");
    assertThat(republisher.republish(from, to, done -> {})).isEqualTo(6);
    assertThat(rows()).isEqualTo(rowsBefore);
    assertThat(insertedIds()).containsExactlyElementsOf(ids);
  }

  @Test
  void republishesExactlyTheGivenIdsInCreationOrder() throws SQLException {
    OutboxRepublisher republisher =
        OutboxRepublisher.builder().dataSource(dataSource).schema(schema).batchSize(2).build();
    List<Long> progress = new ArrayList<>();
    long republished =
        republisher.republish(
            List.of(ids.get(4), ids.get(0), ids.get(2), UUID.randomUUID()), progress::add);

    assertThat(republished).isEqualTo(3);
    assertThat(progress).containsExactly(2L, 3L);
    assertThat(insertedIds()).containsExactly(ids.get(0), ids.get(2), ids.get(4));
    assertThat(rows()).isEqualTo(rowsBefore);
    assertThat(republisher.republish(List.of(), done -> {})).isZero();
  }

  @Test
  void anEmptyWindowChangesNothing() throws SQLException {
    OutboxRepublisher republisher =
        OutboxRepublisher.builder().dataSource(dataSource).schema(schema).build();
    Instant after = createdAt.get(5).toInstant().plusSeconds(1);

    assertThat(republisher.count(after, after.plusSeconds(60))).isZero();
    assertThat(republisher.republish(after, after.plusSeconds(60), done -> {})).isZero();
    assertThat(insertedIds()).isEmpty();
  }

  @Test
  void aMissingTableIsAnSqlException() {
    OutboxRepublisher republisher =
        OutboxRepublisher.builder().dataSource(dataSource).schema(schema).table("nope").build();
    assertThatThrownBy(() -> republisher.count(Instant.EPOCH, Instant.now()))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("nope");
  }

  /** Every row as text, in (created_at, id) order. */
  private List<String> rows() throws SQLException {
    return Sql.query(
        dataSource,
        "SELECT o::text FROM " + schema + ".outbox o ORDER BY created_at, id",
        rs -> rs.getString(1));
  }

  /** Ids of the outbox INSERTs the slot decoded since it was created (consumes the changes). */
  private List<UUID> insertedIds() throws SQLException {
    return slot.consumeInsertedIds(schema + ".outbox");
  }

  private void execute(String sql) throws SQLException {
    Sql.execute(dataSource, sql);
  }
}
