package dev.relaybox.consumers.internal;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/** SQL on the processed-keys table (eventuate's SqlTableBasedDuplicateMessageDetector, batched). */
final class ProcessedKeys {

  /** Keys one retention statement deletes at most: a few tens of milliseconds of row locks. */
  static final int SWEEP_BATCH_SIZE = 5_000;

  private final RunnerSettings settings;
  private final String insertAll;
  private final String insertOne;
  private final String selectExisting;
  private final String deleteExpired;

  ProcessedKeys(RunnerSettings settings) {
    this.settings = settings;
    String table = settings.processedKeys().qualifiedTable();
    // One statement claims the keys of a whole batch; RETURNING tells which rows are new. A key
    // present twice in the array is returned once: its first occurrence in the batch wins. Keys
    // are inserted in index order so that two members claiming overlapping batches during a
    // rebalance wait on each other instead of deadlocking.
    this.insertAll =
        "INSERT INTO "
            + table
            + " (consumer_group, event_id) SELECT ?, id FROM unnest(?::uuid[]) AS ids(id)"
            + " ORDER BY id ON CONFLICT DO NOTHING RETURNING event_id";
    this.insertOne =
        "INSERT INTO " + table + " (consumer_group, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING";
    this.selectExisting =
        "SELECT event_id FROM " + table + " WHERE consumer_group = ? AND event_id = ANY(?::uuid[])";
    // Retention: the oldest keys of the group through the (consumer_group, processed_at) index.
    // ctid = ANY(ARRAY(...)) is planned as a TID scan, where "ctid IN (SELECT ...)" may become a
    // join; SKIP LOCKED lets the members of a group sweep at once without waiting on each other.
    this.deleteExpired =
        "DELETE FROM "
            + table
            + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM "
            + table
            + " WHERE consumer_group = ? AND processed_at < ? ORDER BY processed_at LIMIT "
            + SWEEP_BATCH_SIZE
            + " FOR UPDATE SKIP LOCKED))";
  }

  void migrate() {
    Migrations.migrate(
        settings.handling().dataSource(),
        settings.processedKeys().schema(),
        settings.processedKeys().table());
  }

  /** Inserts the keys in {@code tx}; returns those that were not there yet. */
  Set<UUID> insertAll(Connection tx, Collection<UUID> eventIds) throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement(insertAll)) {
      Array ids = tx.createArrayOf("uuid", eventIds.toArray());
      ps.setString(1, settings.groupId());
      ps.setArray(2, ids);
      return collect(ps);
    }
  }

  /** Inserts one key in {@code tx}; false if it was there already. */
  boolean insertOne(Connection tx, UUID eventId) throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement(insertOne)) {
      ps.setString(1, settings.groupId());
      ps.setObject(2, eventId);
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * The keys already recorded, read on a pooled connection of its own, with a generic plan. Planned
   * for this group's name, from statistics taken before the group grew (a new group, or one the
   * last ANALYZE saw small), Postgres expects one row for the group and reads it whole through the
   * retention index, each time: measured 6,900 index entries per lookup in a benchmark whose group
   * held ~20,000 keys. The generic plan expects an average group and probes the primary key.
   */
  Set<UUID> existing(Collection<UUID> eventIds) throws SQLException {
    try (Connection c = settings.handling().dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (Statement local = c.createStatement();
          PreparedStatement ps = c.prepareStatement(selectExisting)) {
        local.execute("SET LOCAL plan_cache_mode = force_generic_plan");
        ps.setString(1, settings.groupId());
        ps.setArray(2, c.createArrayOf("uuid", eventIds.toArray()));
        Set<UUID> found = collect(ps);
        c.commit();
        return found;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** The database's clock minus {@code retention}: {@code processed_at} is the server's now(). */
  OffsetDateTime cutoff(Connection c, Duration retention) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT now() - ? * interval '1 millisecond'")) {
      ps.setLong(1, retention.toMillis());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getObject(1, OffsetDateTime.class);
      }
    }
  }

  /**
   * Deletes up to {@value #SWEEP_BATCH_SIZE} keys of the group processed before {@code cutoff},
   * oldest first, in {@code c}'s current transaction; returns how many.
   */
  int deleteExpired(Connection c, OffsetDateTime cutoff) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(deleteExpired)) {
      ps.setString(1, settings.groupId());
      ps.setObject(2, cutoff);
      return ps.executeUpdate();
    }
  }

  private static Set<UUID> collect(PreparedStatement ps) throws SQLException {
    Set<UUID> ids = new HashSet<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        ids.add(rs.getObject(1, UUID.class));
      }
    }
    return ids;
  }
}
