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
      boolean sets =
          exists(c, group.qualified(ParkedSets.RETRY_SET))
              && exists(c, group.qualified(ParkedSets.DEAD_SET));
      if (!sets) {
        return new GroupDb(last, null, null, null);
      }
      // a key is parked while events of it wait in the retry set or behind a blocking dead event
      long parked =
          count(
              c,
              "SELECT count(*) FROM (SELECT topic, kafka_partition, record_key FROM "
                  + group.qualified(ParkedSets.RETRY_SET)
                  + " WHERE consumer_group = ? UNION SELECT topic, kafka_partition, record_key FROM "
                  + group.qualified(ParkedSets.DEAD_SET)
                  + " WHERE consumer_group = ? AND state = 'dead' AND blocks_key) AS keys",
              group.name(),
              2);
      long retrying =
          count(
              c,
              "SELECT count(*) FROM "
                  + group.qualified(ParkedSets.RETRY_SET)
                  + " WHERE consumer_group = ?",
              group.name(),
              1);
      long dead =
          count(
              c,
              "SELECT count(*) FROM "
                  + group.qualified(ParkedSets.DEAD_SET)
                  + " WHERE consumer_group = ? AND state = 'dead'",
              group.name(),
              1);
      return new GroupDb(last, parked, retrying, dead);
    }
  }

  private static long count(Connection c, String sql, String group, int times) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 1; i <= times; i++) {
        ps.setString(i, group);
      }
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
