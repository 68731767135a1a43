package dev.relaybox.console.internal;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a consumer group's database says about given events, for a trace: when each was processed
 * (processed keys), whether it waits in the retry set or lies in the dead set, and the rows of the
 * group's effect tables. Every value is a bind parameter; table names are validated identifiers.
 */
final class GroupLookups {

  /** Rows of one effect table. */
  record Rows(String table, List<String> columns, List<List<String>> rows, String problem) {}

  /** A retry-set or dead-set entry of an event. */
  record Parked(String state, int attempts, String error, Instant since, Long deadId) {}

  private static final int MAX_ROWS = 20;
  private static final int MAX_VALUE = 300;

  private GroupLookups() {}

  /** Event id → processed_at, for the ids the group processed. */
  static Map<UUID, Instant> processed(Sources.Group g, Collection<UUID> ids) throws SQLException {
    Map<UUID, Instant> result = new HashMap<>();
    if (ids.isEmpty()) {
      return result;
    }
    try (Connection c = g.db().getConnection()) {
      if (!PostgresProbe.exists(c, g.qualified(""))) {
        return result;
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT event_id, processed_at FROM "
                  + g.qualified("")
                  + " WHERE consumer_group = ? AND event_id = ANY(?)")) {
        ps.setString(1, g.name());
        ps.setArray(2, c.createArrayOf("uuid", ids.toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            result.put(rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant());
          }
        }
      }
    }
    return result;
  }

  /** Event id → its retry-set or dead-set entry, where the group has those tables. */
  static Map<UUID, Parked> parked(Sources.Group g, Collection<UUID> ids) throws SQLException {
    Map<UUID, Parked> result = new HashMap<>();
    if (ids.isEmpty()) {
      return result;
    }
    try (Connection c = g.db().getConnection()) {
      Array array = c.createArrayOf("uuid", ids.toArray());
      if (PostgresProbe.exists(c, g.qualified(ParkedSets.RETRY_SET))) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT event_id, attempt, last_error, parked_at FROM "
                    + g.qualified(ParkedSets.RETRY_SET)
                    + " WHERE consumer_group = ? AND event_id = ANY(?)")) {
          ps.setString(1, g.name());
          ps.setArray(2, array);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              result.put(
                  rs.getObject(1, UUID.class),
                  new Parked(
                      "retrying",
                      rs.getInt(2),
                      rs.getString(3),
                      rs.getTimestamp(4).toInstant(),
                      null));
            }
          }
        }
      }
      if (PostgresProbe.exists(c, g.qualified(ParkedSets.DEAD_SET))) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT event_id, attempts, error_class || ': ' || error_message, died_at, state, id"
                    + " FROM "
                    + g.qualified(ParkedSets.DEAD_SET)
                    + " WHERE consumer_group = ? AND event_id = ANY(?) ORDER BY id")) {
          ps.setString(1, g.name());
          ps.setArray(2, array);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              result.put(
                  rs.getObject(1, UUID.class),
                  new Parked(
                      rs.getString(5),
                      rs.getInt(2),
                      rs.getString(3),
                      rs.getTimestamp(4).toInstant(),
                      rs.getLong(6)));
            }
          }
        }
      }
    }
    return result;
  }

  /** The rows of {@code effect} for the events {@code ids} (by event id) or for {@code key}. */
  static Rows effect(Sources.Group g, Sources.Effect effect, Collection<UUID> ids, String key) {
    String table = dev.relaybox.config.SqlIdentifier.qualified(g.schema(), effect.table());
    String column = '"' + effect.column() + '"';
    String sql =
        effect.byKey()
            ? "SELECT * FROM " + table + " WHERE " + column + "::text = ? LIMIT " + MAX_ROWS
            : "SELECT * FROM " + table + " WHERE " + column + " = ANY(?) LIMIT " + MAX_ROWS;
    try (Connection c = g.db().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      if (effect.byKey()) {
        ps.setString(1, key);
      } else {
        ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
      }
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          columns.add(md.getColumnName(i));
        }
        List<List<String>> rows = new ArrayList<>();
        while (rs.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= md.getColumnCount(); i++) {
            row.add(shown(rs.getObject(i)));
          }
          rows.add(row);
        }
        return new Rows(effect.table(), columns, rows, null);
      }
    } catch (SQLException e) {
      return new Rows(effect.table(), List.of(), List.of(), e.getMessage());
    }
  }

  private static String shown(Object value) {
    if (value == null) {
      return "null";
    }
    String text =
        value instanceof byte[] bytes
            ? "\\x" + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 64))
            : value.toString();
    return text.length() > MAX_VALUE ? text.substring(0, MAX_VALUE) + "…" : text;
  }
}
