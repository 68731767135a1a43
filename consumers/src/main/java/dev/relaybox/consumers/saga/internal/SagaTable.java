package dev.relaybox.consumers.saga.internal;

import dev.relaybox.config.SqlIdentifier;
import dev.relaybox.consumers.saga.SagaState;
import dev.relaybox.consumers.saga.SagaStatus;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The saga table {@code <processed-keys table>_sagas}: every statement on it. Thread-safe. */
final class SagaTable {

  private static final String COLUMNS =
      "saga_type, saga_id, status, parked_from, current_step, pending, completed_steps,"
          + " compensated_steps, attempt, data, last_error, next_attempt_at, deadline_at,"
          + " created_at, updated_at, operator_note";
  private static final String LIVE = "status IN ('RUNNING', 'COMPENSATING')";

  private final String table;

  SagaTable(String schema, String processedKeysTable) {
    this.table = SqlIdentifier.qualified(schema, processedKeysTable + "_sagas");
  }

  /** Inserts a new saga; false if one with its type and id exists (nothing written). */
  boolean insert(Connection tx, SagaRow<byte[]> row) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "INSERT INTO "
                + table
                + " (saga_type, saga_id, status, current_step, pending, data, next_attempt_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, now()) ON CONFLICT DO NOTHING")) {
      ps.setString(1, row.type);
      ps.setString(2, row.sagaId);
      ps.setString(3, row.status.name());
      ps.setString(4, row.currentStep);
      ps.setString(5, pending(row));
      ps.setBytes(6, row.data);
      return ps.executeUpdate() == 1;
    }
  }

  /** The saga, locked until {@code tx} ends. */
  Optional<Loaded> lock(Connection tx, String type, String sagaId) throws SQLException {
    return one(
        tx,
        "SELECT " + COLUMNS + " FROM " + table + " WHERE saga_type = ? AND saga_id = ? FOR UPDATE",
        type,
        sagaId);
  }

  /** The saga, not locked. */
  Optional<Loaded> find(Connection c, String type, String sagaId) throws SQLException {
    return one(
        c,
        "SELECT " + COLUMNS + " FROM " + table + " WHERE saga_type = ? AND saga_id = ?",
        type,
        sagaId);
  }

  /** A live saga of {@code types} whose pending action is due, locked; skips locked ones. */
  Optional<Loaded> claimDueAction(Connection tx, String[] types) throws SQLException {
    return claim(tx, types, "pending = 'action' AND next_attempt_at <= now()", "next_attempt_at");
  }

  /** A live saga of {@code types} whose reply deadline has passed, locked; skips locked ones. */
  Optional<Loaded> claimPastDeadline(Connection tx, String[] types) throws SQLException {
    return claim(tx, types, "pending = 'reply' AND deadline_at <= now()", "deadline_at");
  }

  private Optional<Loaded> claim(Connection tx, String[] types, String due, String order)
      throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM "
                + table
                + " WHERE "
                + due
                + " AND "
                + LIVE
                + " AND saga_type = ANY(?) ORDER BY "
                + order
                + " LIMIT 1 FOR UPDATE SKIP LOCKED")) {
      ps.setArray(1, tx.createArrayOf("text", types));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(loaded(rs)) : Optional.empty();
      }
    }
  }

  /** Writes the row's state; {@code operatorNote} replaces the note unless null. */
  void update(Connection tx, SagaRow<byte[]> row, String operatorNote) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "UPDATE "
                + table
                + " SET status = ?, parked_from = ?, current_step = ?, pending = ?,"
                + " completed_steps = ?, compensated_steps = ?, attempt = ?, data = ?,"
                + " last_error = ?,"
                + " next_attempt_at = now() + ?::bigint * interval '1 millisecond',"
                + " deadline_at = now() + ?::bigint * interval '1 millisecond',"
                + " updated_at = now(), operator_note = coalesce(?, operator_note)"
                + " WHERE saga_type = ? AND saga_id = ?")) {
      ps.setString(1, row.status.name());
      ps.setString(2, row.parkedFrom == null ? null : row.parkedFrom.name());
      ps.setString(3, row.currentStep);
      ps.setString(4, pending(row));
      ps.setArray(5, tx.createArrayOf("text", row.completed.toArray()));
      ps.setArray(6, tx.createArrayOf("text", row.compensated.toArray()));
      ps.setInt(7, row.attempt);
      ps.setBytes(8, row.data);
      ps.setString(9, row.lastError);
      boolean action = row.pending == SagaRow.Pending.ACTION;
      boolean reply = row.pending == SagaRow.Pending.REPLY;
      ps.setObject(10, action ? row.nextAttemptDelayMillis : null, Types.BIGINT);
      ps.setObject(11, reply ? row.deadlineDelayMillis : null, Types.BIGINT);
      ps.setString(12, operatorNote);
      ps.setString(13, row.type);
      ps.setString(14, row.sagaId);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("saga " + row.type + "/" + row.sagaId + " vanished while locked");
      }
    }
  }

  /** Sagas, least recently moved first; see {@code SagaAdmin.list}. */
  List<SagaState> list(Connection c, String type, SagaStatus status, Duration stuckFor, int limit)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM " + table + " WHERE true");
    List<Object> args = new ArrayList<>();
    if (type != null) {
      sql.append(" AND saga_type = ?");
      args.add(type);
    }
    if (status != null) {
      sql.append(" AND status = ?");
      args.add(status.name());
    }
    if (stuckFor != null) {
      sql.append(" AND " + LIVE + " AND updated_at < now() - ?::bigint * interval '1 millisecond'");
      args.add(stuckFor.toMillis());
    }
    sql.append(" ORDER BY updated_at, saga_type, saga_id LIMIT ?");
    args.add(limit);
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      List<SagaState> states = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          states.add(loaded(rs).state());
        }
      }
      return states;
    }
  }

  /** Per type of {@code types}: {stuck (live, not moved for {@code stuckAfter}), parked}. */
  Map<String, long[]> counts(Connection c, String[] types, Duration stuckAfter)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT saga_type,"
                + " count(*) FILTER (WHERE "
                + LIVE
                + " AND updated_at < now() - ?::bigint * interval '1 millisecond'),"
                + " count(*) FILTER (WHERE status = 'PARKED')"
                + " FROM "
                + table
                + " WHERE saga_type = ANY(?) AND status IN ('RUNNING', 'COMPENSATING', 'PARKED')"
                + " GROUP BY saga_type")) {
      ps.setLong(1, stuckAfter.toMillis());
      ps.setArray(2, c.createArrayOf("text", types));
      Map<String, long[]> counts = new HashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
        }
      }
      return counts;
    }
  }

  private Optional<Loaded> one(Connection c, String sql, String type, String sagaId)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, type);
      ps.setString(2, sagaId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(loaded(rs)) : Optional.empty();
      }
    }
  }

  /** A row as read: the row to move and the state operators see. */
  record Loaded(SagaRow<byte[]> row, SagaState state) {}

  private static Loaded loaded(ResultSet rs) throws SQLException {
    SagaStatus parkedFrom =
        rs.getString("parked_from") == null
            ? null
            : SagaStatus.valueOf(rs.getString("parked_from"));
    String pending = rs.getString("pending");
    SagaRow<byte[]> row =
        new SagaRow<>(
            rs.getString("saga_type"),
            rs.getString("saga_id"),
            SagaStatus.valueOf(rs.getString("status")),
            parkedFrom,
            rs.getString("current_step"),
            SagaRow.Pending.valueOf(pending.toUpperCase(Locale.ROOT)),
            strings(rs.getArray("completed_steps")),
            strings(rs.getArray("compensated_steps")),
            rs.getInt("attempt"),
            rs.getBytes("data"),
            rs.getString("last_error"));
    SagaState state =
        new SagaState(
            row.type,
            row.sagaId,
            row.status,
            parkedFrom,
            row.currentStep,
            pending,
            row.completed,
            row.compensated,
            row.attempt,
            row.data,
            instant(rs.getTimestamp("next_attempt_at")),
            instant(rs.getTimestamp("deadline_at")),
            instant(rs.getTimestamp("created_at")),
            instant(rs.getTimestamp("updated_at")),
            row.lastError,
            rs.getString("operator_note"));
    return new Loaded(row, state);
  }

  private static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of() : List.of((String[]) array.getArray());
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  private static String pending(SagaRow<?> row) {
    return row.pending.name().toLowerCase(Locale.ROOT);
  }
}
