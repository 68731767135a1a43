package dev.relaybox.relay;

import dev.relaybox.relay.internal.Shard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A logical replication slot and how much WAL it holds back, as {@code pg_replication_slots} and
 * {@code max_slot_wal_keep_size} show it (Postgres 13+; {@code conflicting} from 16, {@code
 * invalidation_reason} from 17). Read by the relay at start and every {@code
 * slot.monitor.interval.ms}, and by {@code relaybox status}.
 *
 * @param name the slot name
 * @param exists whether the slot exists; every other field is null or false if not
 * @param active whether a walsender streams from it
 * @param activePid the walsender's process id, or null
 * @param restartLsn oldest WAL the slot needs (null once invalidated)
 * @param confirmedFlushLsn how far the client confirmed
 * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost}
 * @param safeWalSizeBytes WAL that can still be written before the slot is in danger of being
 *     invalidated; null when {@code max_slot_wal_keep_size} is unbounded or the slot is lost
 * @param retainedWalBytes WAL kept for the slot (current LSN − restart_lsn)
 * @param lagBytes WAL not yet confirmed (current LSN − confirmed_flush_lsn)
 * @param conflicting whether the slot was invalidated by a recovery conflict (Postgres 16+)
 * @param invalidationReason why the slot was invalidated (Postgres 17+), else null
 * @param maxWalKeepSizeBytes {@code max_slot_wal_keep_size} in bytes, -1 for unbounded
 */
public record SlotStatus(
    String name,
    boolean exists,
    boolean active,
    Integer activePid,
    Long restartLsn,
    Long confirmedFlushLsn,
    String walStatus,
    Long safeWalSizeBytes,
    Long retainedWalBytes,
    Long lagBytes,
    boolean conflicting,
    String invalidationReason,
    long maxWalKeepSizeBytes) {

  /**
   * Whether the slot can no longer stream: {@code wal_status = lost}, an invalidation reason, or a
   * recovery conflict. Events committed since it was last confirmed cannot be read any more.
   */
  public boolean invalidated() {
    return exists && ("lost".equals(walStatus) || invalidationReason != null || conflicting);
  }

  /** Whether the slot may hold back WAL without limit ({@code max_slot_wal_keep_size = -1}). */
  public boolean unbounded() {
    return maxWalKeepSizeBytes < 0;
  }

  /**
   * Whether the slot retains at least {@code percent} % of {@code max_slot_wal_keep_size}, or
   * Postgres already reports it {@code unreserved} (past the limit, removable at the next
   * checkpoint). Never true when retention is unbounded.
   */
  public boolean walAlert(int percent) {
    if (!exists || unbounded() || invalidated()) {
      return false;
    }
    if ("unreserved".equals(walStatus)) {
      return true;
    }
    return safeWalSizeBytes != null
        && safeWalSizeBytes < maxWalKeepSizeBytes * (100 - percent) / 100;
  }

  /** The Prometheus code of {@link #walStatus}: 0 reserved … 3 lost, -1 unknown. */
  public int walStatusCode() {
    if (walStatus == null) {
      return -1;
    }
    return switch (walStatus) {
      case "reserved" -> 0;
      case "extended" -> 1;
      case "unreserved" -> 2;
      case "lost" -> 3;
      default -> -1;
    };
  }

  /**
   * The slots of a sharded relay whose unsharded slot would be {@code name}: {@code
   * <name>_shard_<i>_of_<n>}, ordered by layout and shard; empty for an unsharded relay.
   */
  public static List<String> shardSlotNames(Connection connection, String name)
      throws SQLException {
    List<Shard> shards = new ArrayList<>();
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT slot_name FROM pg_replication_slots WHERE starts_with(slot_name, ?)")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          Shard.ofIdentifier(name, rs.getString(1)).ifPresent(shards::add);
        }
      }
    }
    shards.sort(Comparator.comparingInt(Shard::count).thenComparingInt(Shard::index));
    return shards.stream().map(shard -> name + shard.identifierSuffix()).toList();
  }

  /**
   * Reads slot {@code name} on {@code connection}.
   *
   * @throws SQLException if the query fails (e.g. Postgres older than 13)
   */
  public static SlotStatus read(Connection connection, String name) throws SQLException {
    int version = connection.getMetaData().getDatabaseMajorVersion();
    String lsn =
        "CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
            + " ELSE pg_current_wal_lsn() END";
    String sql =
        "SELECT active, active_pid,"
            + " pg_wal_lsn_diff(restart_lsn, '0/0')::bigint,"
            + " pg_wal_lsn_diff(confirmed_flush_lsn, '0/0')::bigint,"
            + " wal_status, safe_wal_size,"
            + " pg_wal_lsn_diff("
            + lsn
            + ", restart_lsn)::bigint,"
            + " pg_wal_lsn_diff("
            + lsn
            + ", confirmed_flush_lsn)::bigint,"
            + (version >= 16 ? " conflicting," : " false,")
            + (version >= 17 ? " invalidation_reason" : " NULL::text")
            + " FROM pg_replication_slots WHERE slot_name = ?";
    long keep = maxWalKeepSize(connection);
    try (PreparedStatement s = connection.prepareStatement(sql)) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return new SlotStatus(
              name, false, false, null, null, null, null, null, null, null, false, null, keep);
        }
        return new SlotStatus(
            name,
            true,
            rs.getBoolean(1),
            (Integer) rs.getObject(2),
            (Long) rs.getObject(3),
            (Long) rs.getObject(4),
            rs.getString(5),
            (Long) rs.getObject(6),
            (Long) rs.getObject(7),
            (Long) rs.getObject(8),
            rs.getBoolean(9),
            rs.getString(10),
            keep);
      }
    }
  }

  /** {@code max_slot_wal_keep_size} in bytes; -1 = unbounded. */
  private static long maxWalKeepSize(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT setting::bigint, unit FROM pg_settings"
                    + " WHERE name = 'max_slot_wal_keep_size'")) {
      if (!rs.next() || rs.getLong(1) < 0) {
        return -1;
      }
      return rs.getLong(1) * unitBytes(rs.getString(2));
    }
  }

  private static long unitBytes(String unit) {
    if (unit == null) {
      return 1;
    }
    return switch (unit) {
      case "kB" -> 1024L;
      case "MB" -> 1024L * 1024;
      case "GB" -> 1024L * 1024 * 1024;
      default -> 1024L * 1024; // documented unit of max_slot_wal_keep_size
    };
  }

  /** The bytes as {@code 12.3 MiB}, or {@code -} for null. */
  public static String bytes(Long value) {
    if (value == null) {
      return "-";
    }
    if (value < 1024) {
      return value + " B";
    }
    if (value < 1024 * 1024) {
      return String.format(java.util.Locale.ROOT, "%.1f KiB", value / 1024.0);
    }
    if (value < 1024L * 1024 * 1024) {
      return String.format(java.util.Locale.ROOT, "%.1f MiB", value / (1024.0 * 1024));
    }
    return String.format(java.util.Locale.ROOT, "%.1f GiB", value / (1024.0 * 1024 * 1024));
  }

  /** The fix for unbounded or too small retention, for warnings and {@code status}. */
  public static String boundedWalAdvice() {
    return "bound it: ALTER SYSTEM SET max_slot_wal_keep_size = '<N>GB'; SELECT pg_reload_conf();"
        + " (a reload suffices), and keep the outbox in RETAIN mode with a retention longer than"
        + " the relay outages you must repair with `relaybox outbox reconcile`";
  }
}
