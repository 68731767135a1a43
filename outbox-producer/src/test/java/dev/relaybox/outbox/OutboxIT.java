package dev.relaybox.outbox;

import static dev.relaybox.outbox.TestEvents.AVRO_BINARY;
import static dev.relaybox.outbox.TestEvents.event;
import static dev.relaybox.outbox.TestEvents.thing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.LogicalSlot;
import dev.relaybox.devstack.LogicalSlot.Change;
import dev.relaybox.devstack.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The transactional guarantees against the devstack's real Postgres, read back from the WAL. */
@ExtendWith(DevStackExtension.class)
class OutboxIT {
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private final String schema = TestEvents.randomName("outbox_it");
  private DataSource dataSource;
  private Outbox retained;
  private Outbox deleting;

  @BeforeEach
  void setUp(DevStack stack) throws SQLException {
    dataSource = stack.postgres().dataSource();
    retained =
        Outbox.builder()
            .schema(schema)
            .table("retained")
            .cleanupMode(CleanupMode.RETAIN)
            .serializer(AVRO_BINARY)
            .build();
    deleting = Outbox.builder().schema(schema).table("deleting").serializer(AVRO_BINARY).build();
    retained.migrate(dataSource);
    deleting.migrate(dataSource);
    execute("CREATE TABLE " + schema + ".things (id text PRIMARY KEY)");
  }

  @AfterEach
  void dropSchema() throws SQLException {
    execute("DROP SCHEMA " + schema + " CASCADE");
  }

  @Test
  void commitInRetainModeWritesExactlyOneRowWithEveryColumn() throws SQLException {
    OutboxEvent event =
        OutboxEvent.builder()
            .aggregateType("thing")
            .aggregateId("t-1")
            .payload(thing("hello"))
            .traceparent(TRACEPARENT)
            .header("tenant", "acme")
            .build();
    try (Connection tx = transaction()) {
      insertThing(tx, "t-1");
      assertThat(retained.publish(tx, event)).isEqualTo(event.id());
      tx.commit();
    }

    try (Connection c = dataSource.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "SELECT id, aggregatetype, aggregateid, type, payload, headers::text, created_at"
                    + " FROM "
                    + schema
                    + ".retained")) {
      ResultSet rs = select.executeQuery();
      assertThat(rs.next()).isTrue();
      assertThat(rs.getObject(1)).isEqualTo(event.id());
      assertThat(rs.getString(2)).isEqualTo("thing");
      assertThat(rs.getString(3)).isEqualTo("t-1");
      assertThat(rs.getString(4)).isEqualTo("ThingHappened");
      assertThat(rs.getBytes(5)).isEqualTo(AVRO_BINARY.serialize("x", event.payload()));
      assertThat(rs.getString(6))
          .isEqualTo("{\"tenant\": \"acme\", \"traceparent\": \"" + TRACEPARENT + "\"}");
      assertThat(rs.getTimestamp(7)).isNotNull();
      assertThat(rs.next()).as("exactly one row").isFalse();
    }
  }

  @Test
  void commitInDefaultModeLeavesTheTableEmptyAndTheWalCarriesOneInsertAndOneDelete()
      throws SQLException {
    OutboxEvent first = event("t-1", "one");
    OutboxEvent second = event("t-2", "two");
    List<Change> changes;
    try (LogicalSlot slot = createSlot()) {
      try (Connection tx = transaction()) {
        insertThing(tx, "t-1");
        deleting.publish(tx, first);
        deleting.publishAll(tx, List.of(second));
        tx.commit();
      }
      changes = slot.consumeChanges(schema + ".deleting");
    }

    assertThat(count("deleting")).isZero();
    for (OutboxEvent event : List.of(first, second)) {
      String id = event.id().toString();
      for (String operation : List.of("INSERT", "DELETE")) {
        assertThat(changes)
            .filteredOn(c -> c.operation().equals(operation) && c.column("id").equals(id))
            .hasSize(1);
      }
    }
    assertThat(changes).hasSize(4);
    Change firstInsert = changes.get(0);
    assertThat(firstInsert.column("aggregatetype")).isEqualTo("thing");
    assertThat(firstInsert.column("aggregateid")).isEqualTo("t-1");
    assertThat(firstInsert.column("type")).isEqualTo("ThingHappened");
  }

  @Test
  void rollbackLeavesNothingInTheTableOrTheWal() throws SQLException {
    List<Change> changes;
    try (LogicalSlot slot = createSlot()) {
      try (Connection tx = transaction()) {
        insertThing(tx, "t-1");
        retained.publish(tx, event("t-1", "one"));
        deleting.publish(tx, event("t-1", "one"));
        tx.rollback();
      }
      changes = slot.consumeChanges();
    }

    assertThat(count("retained")).isZero();
    assertThat(count("things")).isZero();
    assertThat(changes).filteredOn(c -> c.table().startsWith(schema + ".")).isEmpty();
  }

  @Test
  void publishNeverCommitsRollsBackOrClosesTheCallersConnection() throws SQLException {
    try (Connection tx = transaction()) {
      retained.publish(tx, event("t-1", "one"));
      assertThat(tx.isClosed()).isFalse();
      assertThat(tx.getAutoCommit()).isFalse();
      assertThat(count("retained")).as("invisible to others before the commit").isZero();
      tx.commit();
    }
    assertThat(count("retained")).isEqualTo(1);
  }

  @Test
  void autoCommitConnectionIsRefusedAndNothingIsWritten() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      assertThatThrownBy(() -> retained.publish(c, event("t-1", "one")))
          .isInstanceOf(TransactionRequiredException.class)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("auto-commit mode")
          .hasMessageContaining("dual-write")
          .hasMessageContaining("write the business rows and publish in it")
          .hasMessageContaining("Nothing was written");
    }
    assertThat(count("retained")).isZero();
  }

  @Test
  void oversizedEventsAreRefusedBeforeAnythingIsWritten() throws SQLException {
    OutboxEvent small = event("t-1", "small");
    OutboxEvent huge = event("t-1", "x".repeat(Outbox.DEFAULT_MAX_EVENT_BYTES));
    try (Connection tx = transaction()) {
      assertThatThrownBy(() -> retained.publishAll(tx, List.of(small, huge)))
          .isInstanceOfSatisfying(
              EventTooLargeException.class,
              e -> {
                assertThat(e.eventId()).isEqualTo(huge.id());
                assertThat(e.size()).isGreaterThan(Outbox.DEFAULT_MAX_EVENT_BYTES);
                assertThat(e.limit()).isEqualTo(1_032_192);
              })
          .hasMessageContaining("event id=" + huge.id() + " type=ThingHappened is ")
          .hasMessageContaining("over the outbox limit of 1032192 bytes")
          .hasMessageContaining("put a reference in the event");
      tx.commit();
    }
    assertThat(count("retained")).as("not even the small event of the batch").isZero();
  }

  @Test
  void headersCountTowardsTheLimit() throws SQLException {
    Outbox tiny =
        Outbox.builder()
            .schema(schema)
            .table("retained")
            .cleanupMode(CleanupMode.RETAIN)
            .serializer(AVRO_BINARY)
            .maxEventBytes(100)
            .build();
    OutboxEvent event = event("t-1", "fits");
    int payloadBytes = AVRO_BINARY.serialize("x", event.payload()).length;
    OutboxEvent withHeader =
        OutboxEvent.builder()
            .aggregateType("thing")
            .aggregateId("t-1")
            .payload(event.payload())
            .header("h", "v".repeat(100 - payloadBytes))
            .build();
    try (Connection tx = transaction()) {
      tiny.publish(tx, event);
      assertThatThrownBy(() -> tiny.publish(tx, withHeader))
          .isInstanceOf(EventTooLargeException.class)
          .hasMessageContaining("is 101 bytes")
          .hasMessageContaining("limit of 100 bytes");
      tx.commit();
    }
    assertThat(count("retained")).isEqualTo(1);
  }

  @Test
  void aggregateTypeMakingATooLongTopicIsRefusedAtPublish() throws SQLException {
    OutboxEvent event = OutboxEvent.of("a".repeat(240), "t-1", thing("x"));
    try (Connection tx = transaction()) {
      assertThatThrownBy(() -> retained.publish(tx, event))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("gives the illegal topic 'outbox.event.aaa")
          .hasMessageContaining("longer than the max allowed length 249");
      tx.commit();
    }
    assertThat(count("retained")).isZero();
  }

  @Test
  void sweeperDeletesOnlyRowsOlderThanTheRetentionInBatches() throws SQLException {
    try (Connection tx = transaction()) {
      retained.publishAll(
          tx, List.of(event("t-1", "1"), event("t-2", "2"), event("t-3", "3"), event("t-4", "4")));
      tx.commit();
    }
    assertThat(retained.sweeper(dataSource, Duration.ofHours(1)).sweep()).isZero();
    assertThat(count("retained")).isEqualTo(4);

    // created_at is the writing transaction's start, so every row is older than "now".
    OutboxSweeper sweeper = retained.sweeper(dataSource, Duration.ZERO, 3);
    assertThat(sweeper.sweep()).isEqualTo(4);
    assertThat(count("retained")).isZero();
    assertThatThrownBy(() -> retained.sweeper(dataSource, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retention must not be negative, was PT-1S");
  }

  @Test
  void migrateIsIdempotentAndTwoOutboxesCoexistInOneSchema() throws SQLException {
    retained.migrate(dataSource);
    deleting.migrate(dataSource);
    try (Connection c = dataSource.getConnection();
        PreparedStatement tables =
            c.prepareStatement(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ?"
                    + " ORDER BY table_name")) {
      tables.setString(1, schema);
      ResultSet rs = tables.executeQuery();
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      assertThat(names)
          .containsExactly(
              "deleting",
              "deleting_schema_history",
              "retained",
              "retained_schema_history",
              "things");
    }
  }

  private Connection transaction() throws SQLException {
    Connection c = dataSource.getConnection();
    c.setAutoCommit(false);
    return c;
  }

  private void insertThing(Connection tx, String id) throws SQLException {
    try (PreparedStatement insert =
        tx.prepareStatement("INSERT INTO " + schema + ".things (id) VALUES (?)")) {
      insert.setString(1, id);
      insert.executeUpdate();
    }
  }

  private long count(String table) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + "." + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private LogicalSlot createSlot() throws SQLException {
    return LogicalSlot.create(dataSource, TestEvents.randomName("outbox_it_slot"));
  }

  private void execute(String sql) throws SQLException {
    Sql.execute(dataSource, sql);
  }
}
