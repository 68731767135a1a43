package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.internal.KeyScheduler.ParkedKey;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The runner's reads of its group's retry and dead sets: the parked keys of its partitions (at
 * assignment and every second), the offsets already in either set, the group-wide counts, and the
 * dead events whose dead-letter copy is due.
 */
final class SetQueries {

  /** A dead event whose copy is not on the dead-letter topic yet. */
  record Unpublished(
      long id,
      ConsumerRecord<byte[], byte[]> record,
      String reason,
      int attempts,
      String errorClass,
      String errorMessage,
      Instant firstFailure,
      Instant diedAt) {}

  /** Group-wide sizes: parked keys, retry rows, dead rows waiting, blocking dead rows, age. */
  record Counts(long keys, long retryRows, long deadRows, long blockingDead, long oldestSeconds) {
    long parkedEvents() {
      return retryRows + blockingDead;
    }
  }

  private final String group;
  private final SetTables tables;
  private final String parkedKeys;
  private final String settled;
  private final String counts;
  private final String unpublished;

  SetQueries(RunnerSettings settings) {
    this.group = settings.groupId();
    this.tables =
        new SetTables(settings.processedKeys().schema(), settings.processedKeys().table());
    String rs = tables.retrySet;
    String ds = tables.deadSet;
    String owned = "consumer_group = ? AND topic = ? AND kafka_partition = ANY(?)";
    // Heads and blocking dead events: one row per parked key, through partial indexes. A head is
    // its key's lowest offset, so it is also the floor below which redeliveries were applied.
    this.parkedKeys =
        "SELECT kafka_partition, record_key, kafka_offset, greatest(0, ceil(extract(epoch"
            + " FROM next_attempt_at - now()) * 1000))::bigint, false FROM "
            + rs
            + " WHERE "
            + owned
            + " AND next_attempt_at IS NOT NULL UNION ALL SELECT kafka_partition, record_key,"
            + " min(kafka_offset), NULL, true FROM "
            + ds
            + " WHERE "
            + owned
            + " AND state = 'dead' AND blocks_key GROUP BY 1, 2";
    String from =
        " WHERE consumer_group = ? AND topic = ? AND kafka_partition = ? AND kafka_offset >= ?";
    this.settled =
        "SELECT kafka_offset FROM " + rs + from + " UNION SELECT kafka_offset FROM " + ds + from;
    String blocking = " WHERE consumer_group = ? AND state = 'dead' AND blocks_key";
    // Parked keys = heads + keys held by a dead event (a key never has both).
    this.counts =
        "SELECT (SELECT count(*) FROM "
            + rs
            + " WHERE consumer_group = ? AND next_attempt_at IS NOT NULL) + (SELECT count(*) FROM"
            + " (SELECT DISTINCT topic, kafka_partition, record_key FROM "
            + ds
            + blocking
            + ") k), (SELECT count(*) FROM "
            + rs
            + " WHERE consumer_group = ?), (SELECT count(*) FROM "
            + ds
            + " WHERE consumer_group = ? AND state = 'dead'), (SELECT count(*) FROM "
            + ds
            + blocking
            + "), (SELECT coalesce(floor(extract(epoch FROM now() - min(t))), 0)::bigint FROM"
            + " (SELECT min(parked_at) t FROM "
            + rs
            + " WHERE consumer_group = ? UNION ALL SELECT min(died_at) FROM "
            + ds
            + blocking
            + ") x)";
    this.unpublished =
        "SELECT id, "
            + SetTables.RECORD_COLUMNS
            + ", reason, attempts, error_class, error_message, first_failure_at, died_at FROM "
            + ds
            + " WHERE "
            + owned
            + " AND dlq_published_at IS NULL ORDER BY id LIMIT ?";
  }

  /** The parked keys of a topic's partitions, per partition. */
  Map<Integer, List<ParkedKey>> parkedKeys(Connection c, String topic, Set<Integer> partitions)
      throws SQLException {
    Map<Integer, Map<ByteBuffer, ParkedKey>> byPartition = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(parkedKeys)) {
      var array = c.createArrayOf("int4", partitions.toArray());
      for (int i : new int[] {1, 4}) {
        ps.setString(i, group);
        ps.setString(i + 1, topic);
        ps.setArray(i + 2, array);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byte[] key = rs.getBytes(2);
          long floor = rs.getLong(3);
          long wait = rs.getLong(4);
          boolean noHead = rs.wasNull();
          boolean blocked = rs.getBoolean(5);
          // A key with both kinds of rows waits behind its dead event.
          byPartition
              .computeIfAbsent(rs.getInt(1), p -> new HashMap<>())
              .merge(
                  ByteBuffer.wrap(key),
                  new ParkedKey(key, floor, noHead ? 0 : wait, blocked),
                  (a, b) ->
                      new ParkedKey(
                          key,
                          Math.min(a.floorOffset(), b.floorOffset()),
                          Math.min(a.waitMillis(), b.waitMillis()),
                          true));
        }
      }
    }
    Map<Integer, List<ParkedKey>> result = new HashMap<>();
    for (int p : partitions) {
      result.put(p, new ArrayList<>(byPartition.getOrDefault(p, Map.of()).values()));
    }
    return result;
  }

  /** Offsets from {@code from} on that are in either set: they must not run again when polled. */
  Set<Long> settledOffsets(Connection c, String topic, int partition, long from)
      throws SQLException {
    Set<Long> offsets = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(settled)) {
      for (int i : new int[] {1, 5}) {
        ps.setString(i, group);
        ps.setString(i + 1, topic);
        ps.setInt(i + 2, partition);
        ps.setLong(i + 3, from);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          offsets.add(rs.getLong(1));
        }
      }
    }
    return offsets;
  }

  Counts counts(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(counts)) {
      for (int i = 1; i <= 7; i++) {
        ps.setString(i, group);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Counts(
            rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
      }
    }
  }

  /** Dead events of the partitions whose dead-letter copy is not acknowledged yet, oldest first. */
  List<Unpublished> unpublished(Connection c, String topic, Set<Integer> partitions, int limit)
      throws SQLException {
    List<Unpublished> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(unpublished)) {
      ps.setString(1, group);
      ps.setString(2, topic);
      ps.setArray(3, c.createArrayOf("int4", partitions.toArray()));
      ps.setInt(4, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new Unpublished(
                  rs.getLong(1),
                  SetStore.record(rs, 2),
                  rs.getString(9),
                  rs.getInt(10),
                  rs.getString(11),
                  rs.getString(12),
                  rs.getObject(13, OffsetDateTime.class).toInstant(),
                  rs.getObject(14, OffsetDateTime.class).toInstant()));
        }
      }
    }
    return rows;
  }

  void published(Connection c, List<Long> ids) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE "
                + tables.deadSet
                + " SET dlq_published_at = now() WHERE consumer_group = ? AND id = ANY(?)")) {
      ps.setString(1, group);
      ps.setArray(2, c.createArrayOf("int8", ids.toArray()));
      ps.executeUpdate();
    }
  }
}
