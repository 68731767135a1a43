package dev.relaybox.console.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Reads the Postgres side of a sample: the relay slot's position against the WAL's, and for a
 * consumer group when it last processed an event and how many keys, retries and dead events it
 * holds.
 */
final class PostgresProbe {

  /** The WAL position now and the slot's confirmed position, in bytes since 0/0. */
  record SlotPosition(boolean exists, boolean active, long walLsn, long confirmedLsn) {}

  /** A group's database view; counts are null when the group's database has no such table. */
  record GroupDb(Instant lastProcessed, Long parkedKeys, Long retrying, Long dead) {}

  private PostgresProbe() {}

  static SlotPosition slot(DataSource db, String slot) throws SQLException {
    String sql =
        "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint, s.active,"
            + " (s.confirmed_flush_lsn - '0/0'::pg_lsn)::bigint"
            + " FROM (SELECT 1) AS one"
            + " LEFT JOIN pg_replication_slots s ON s.slot_name = ?";
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long wal = rs.getLong(1);
        boolean active = rs.getBoolean(2);
        boolean exists = !rs.wasNull();
        long confirmed = rs.getLong(3);
        return new SlotPosition(exists, active, wal, rs.wasNull() ? wal : confirmed);
      }
    }
  }

  static GroupDb group(Sources.Group group) throws SQLException {
    try (Connection c = group.db().getConnection()) {
      Instant last = null;
      if (exists(c, group.qualified(""))) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT max(processed_at) FROM "
                    + group.qualified("")
                    + " WHERE consumer_group = ?")) {
          ps.setString(1, group.name());
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            Timestamp t = rs.getTimestamp(1);
            last = t == null ? null : t.toInstant();
          }
        }
      }
      return new GroupDb(
          last,
          count(c, group, ParkedSets.PARKED_KEYS, ""),
          count(c, group, ParkedSets.RETRY_SET, ""),
          count(c, group, ParkedSets.DEAD_SET, " AND state = 'dead'"));
    }
  }

  private static Long count(Connection c, Sources.Group group, String suffix, String where)
      throws SQLException {
    String table = group.qualified(suffix);
    if (!exists(c, table)) {
      return null;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT count(*) FROM " + table + " WHERE consumer_group = ?" + where)) {
      ps.setString(1, group.name());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Whether the (quoted, qualified) table exists. */
  static boolean exists(Connection c, String qualifiedTable) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, qualifiedTable);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }
}
