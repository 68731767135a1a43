package dev.relaybox.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.devstack.LogicalSlot.Change;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A slot on the shared stack's Postgres sees committed row changes once, and drops cleanly. */
@ExtendWith(DevStackExtension.class)
class LogicalSlotIT {
  private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final String table = "public.slot_it_" + id;
  private DataSource dataSource;

  @BeforeEach
  void table(DevStack stack) throws SQLException {
    dataSource = stack.postgres().dataSource();
    execute("CREATE TABLE " + table + " (id int PRIMARY KEY, note text)");
  }

  @AfterEach
  void dropTable() throws SQLException {
    execute("DROP TABLE " + table);
  }

  @Test
  void seesCommittedChangesOnceAndNothingRolledBack() throws SQLException {
    try (LogicalSlot slot = LogicalSlot.create(dataSource, "slot_it_" + id)) {
      execute("INSERT INTO " + table + " VALUES (1, 'it''s here'), (2, NULL)");
      execute("UPDATE " + table + " SET note = 'changed' WHERE id = 2");
      execute("DELETE FROM " + table + " WHERE id = 1");
      try (Connection tx = dataSource.getConnection()) {
        tx.setAutoCommit(false);
        tx.createStatement().execute("INSERT INTO " + table + " VALUES (3, 'rolled back')");
        tx.rollback();
      }

      List<Change> changes = slot.consumeChanges(table);

      assertThat(changes)
          .extracting(Change::operation)
          .containsExactly("INSERT", "INSERT", "UPDATE", "DELETE");
      assertThat(changes).extracting(Change::table).containsOnly(table);
      assertThat(changes.get(0).column("note")).isEqualTo("it's here");
      assertThat(changes.get(1).column("note")).isEqualTo("null");
      assertThat(changes.get(2).column("note")).isEqualTo("changed");
      assertThat(changes.get(3).column("id")).isEqualTo("1");
      assertThat(slot.consumeChanges()).as("consumed").isEmpty();

      execute("INSERT INTO " + table + " VALUES (4, 'later')");
      assertThat(slot.consumeChanges())
          .singleElement()
          .satisfies(change -> assertThat(change.column("id")).isEqualTo("4"));
    }
    assertThat(slotExists("slot_it_" + id)).as("dropped on close").isFalse();
  }

  @Test
  void aBadNameOrAnExistingSlotIsRefused() throws SQLException {
    assertThatThrownBy(() -> LogicalSlot.create(dataSource, "Bad-Name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Bad-Name'");
    try (LogicalSlot slot = LogicalSlot.create(dataSource, "slot_it_dup_" + id)) {
      assertThat(slotExists(slot.name())).isTrue();
      assertThatThrownBy(() -> LogicalSlot.create(dataSource, slot.name()))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("already exists");
    }
  }

  private boolean slotExists(String name) throws SQLException {
    return Sql.query(
            dataSource,
            "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + name + "'",
            rs -> rs.getInt(1))
        .equals(List.of(1));
  }

  private void execute(String sql) throws SQLException {
    Sql.execute(dataSource, sql);
  }
}
