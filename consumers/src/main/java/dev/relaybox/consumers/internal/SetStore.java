package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.internal.KeyScheduler.ParkedKey;
import dev.relaybox.consumers.internal.SetTables.KeyRef;
import dev.relaybox.consumers.internal.SetTables.KeyState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The runner's statements on its group's retry set and dead set. Writers of a key's parked state
 * take its lock first and normalize it last ({@link SetTables}); the caller owns the transaction.
 */
final class SetStore {

  /** Error messages are cut to this length, as in the dead-letter headers. */
  static final int MAX_ERROR_LENGTH = 1_000;

  /**
   * A retry row claimed for an attempt: the record, the attempt number, the delay after which it is
   * due again (if this attempt fails or never ends), the last error.
   */
  record Claimed(
      ConsumerRecord<byte[], byte[]> record, int attempt, long delayMillis, String lastError) {}

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
  private final String insertRetry;
  private final String insertDead;
  private final String killHead;
  private final String claim;
  private final String parkedKeys;
  private final String settled;
  private final String counts;
  private final String unpublished;

  SetStore(RunnerSettings settings) {
    this.group = settings.groupId();
    this.tables =
        new SetTables(settings.processedKeys().schema(), settings.processedKeys().table());
    String rs = tables.retrySet;
    String ds = tables.deadSet;
    String stored = SetTables.RECORD_COLUMNS + ", event_id";
    this.insertRetry =
        "INSERT INTO "
            + rs
            + " (consumer_group, "
            + stored
            + ", attempt, next_attempt_at, last_error, first_failure_at) VALUES (?, ?, ?, ?, ?, ?,"
            + " ?, ?, ?, ?, now() + ? * interval '1 millisecond', ?,"
            + " CASE WHEN ? THEN now() END) ON CONFLICT DO NOTHING";
    String deadColumns =
        " (consumer_group, "
            + stored
            + ", reason, blocks_key, attempts, error_class, error_message, first_failure_at)";
    this.insertDead =
        "INSERT INTO "
            + ds
            + deadColumns
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()) RETURNING id";
    this.killHead =
        "INSERT INTO "
            + ds
            + deadColumns
            + " SELECT consumer_group, "
            + stored
            + ", ?, ?, attempt, ?, ?, coalesce(first_failure_at, now()) FROM "
            + rs
            + " WHERE "
            + SetTables.KEY_COLUMNS
            + " AND kafka_offset = ? RETURNING id";
    this.claim =
        "UPDATE "
            + rs
            + " SET attempt = ?, next_attempt_at = now() + ? * interval '1 millisecond',"
            + " first_failure_at = coalesce(first_failure_at, now()) WHERE "
            + SetTables.KEY_COLUMNS
            + " AND kafka_offset = ? RETURNING "
            + SetTables.RECORD_COLUMNS
            + ", last_error";
    String owned = "consumer_group = ? AND topic = ? AND kafka_partition = ANY(?)";
    this.parkedKeys =
        "SELECT kafka_partition, record_key, min(kafka_offset), greatest(0, ceil(extract(epoch"
            + " FROM min(next_attempt_at) - now()) * 1000))::bigint, false FROM "
            + rs
            + " WHERE "
            + owned
            + " GROUP BY 1, 2 UNION ALL SELECT kafka_partition, record_key, min(kafka_offset),"
            + " NULL, true FROM "
            + ds
            + " WHERE "
            + owned
            + " AND state = 'dead' AND blocks_key GROUP BY 1, 2";
    String from =
        " WHERE consumer_group = ? AND topic = ? AND kafka_partition = ? AND kafka_offset >= ?";
    this.settled =
        "SELECT kafka_offset FROM " + rs + from + " UNION SELECT kafka_offset FROM " + ds + from;
    String blocking = " WHERE consumer_group = ? AND state = 'dead' AND blocks_key";
    this.counts =
        "SELECT (SELECT count(*) FROM (SELECT topic, kafka_partition, record_key FROM "
            + rs
            + " WHERE consumer_group = ? UNION SELECT topic, kafka_partition, record_key FROM "
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

  KeyRef ref(String topic, int partition, byte[] key) {
    return new KeyRef(group, topic, partition, key);
  }

  /** Locks the key and normalizes it: the start of every change of its parked state. */
  KeyState lock(Connection tx, KeyRef key) throws SQLException {
    tables.lockKey(tx, key);
    tables.normalize(tx, key);
    return tables.state(tx, key);
  }

  /**
   * Parks records of a locked key: the first as a head that failed {@code attempt} times with
   * {@code error} (due after {@code delayMillis}), or, when {@code error} is null, all of them
   * queued. Rows already there stay as they are. Returns the key's state after.
   */
  KeyState park(
      Connection tx,
      KeyRef key,
      List<ConsumerRecord<byte[], byte[]>> records,
      int attempt,
      long delayMillis,
      Throwable error)
      throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement(insertRetry)) {
      boolean first = error != null;
      for (ConsumerRecord<byte[], byte[]> record : records) {
        int i = bindRecord(ps, record);
        ps.setInt(i++, first ? attempt : 0);
        if (first) {
          ps.setLong(i++, delayMillis);
          ps.setString(i++, describe(error));
        } else {
          ps.setNull(i++, Types.BIGINT);
          ps.setNull(i++, Types.VARCHAR);
        }
        ps.setBoolean(i, first);
        ps.addBatch();
        first = false;
      }
      ps.executeBatch();
    }
    tables.normalize(tx, key);
    return tables.state(tx, key);
  }

  /** Moves a record that was never parked to the dead set; returns the dead-set id. */
  long kill(
      Connection tx,
      ConsumerRecord<byte[], byte[]> record,
      String reason,
      Throwable error,
      int attempts,
      boolean blocksKey)
      throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement(insertDead)) {
      int i = bindRecord(ps, record);
      ps.setString(i++, reason);
      ps.setBoolean(i++, blocksKey);
      ps.setInt(i++, attempts);
      ps.setString(i++, error.getClass().getName());
      ps.setString(i, message(error));
      return single(ps);
    }
  }

  /** Moves the head of a locked key to the dead set and normalizes; returns its dead-set id. */
  long killHead(
      Connection tx, KeyRef key, long offset, String reason, Throwable error, boolean blocksKey)
      throws SQLException {
    long id;
    try (PreparedStatement ps = tx.prepareStatement(killHead)) {
      ps.setString(1, reason);
      ps.setBoolean(2, blocksKey);
      ps.setString(3, error.getClass().getName());
      ps.setString(4, message(error));
      ps.setLong(key.bind(ps, 5), offset);
      id = single(ps);
    }
    delete(tx, key, offset);
    return id;
  }

  /**
   * Claims the head of a locked key for attempt {@code attempt}: if the process dies during it, the
   * head is due again after {@code delayMillis} and the attempt still counts.
   */
  Claimed claim(Connection tx, KeyRef key, long offset, int attempt, long delayMillis)
      throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement(claim)) {
      ps.setInt(1, attempt);
      ps.setLong(2, delayMillis);
      ps.setLong(key.bind(ps, 3), offset);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Claimed(record(rs, 1), attempt, delayMillis, rs.getString(8));
      }
    }
  }

  /** Removes a retry row (applied or dead now) and normalizes the key. */
  void delete(Connection tx, KeyRef key, long offset) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "DELETE FROM "
                + tables.retrySet
                + " WHERE "
                + SetTables.KEY_COLUMNS
                + " AND kafka_offset = ?")) {
      ps.setLong(key.bind(ps, 1), offset);
      ps.executeUpdate();
    }
    tables.normalize(tx, key);
  }

  /** Records why an attempt failed; its next time was set by the claim. */
  void failed(Connection c, KeyRef key, long offset, Throwable error) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE "
                + tables.retrySet
                + " SET last_error = ? WHERE "
                + SetTables.KEY_COLUMNS
                + " AND kafka_offset = ?")) {
      ps.setString(1, describe(error));
      ps.setLong(key.bind(ps, 2), offset);
      ps.executeUpdate();
    }
  }

  /** The parked keys of a topic's partitions, per partition. */
  Map<Integer, List<ParkedKey>> parkedKeys(Connection c, String topic, Set<Integer> partitions)
      throws SQLException {
    Map<Integer, Map<java.nio.ByteBuffer, ParkedKey>> byPartition = new HashMap<>();
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
                  java.nio.ByteBuffer.wrap(key),
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
                  record(rs, 2),
                  rs.getString(9),
                  rs.getInt(10),
                  rs.getString(11),
                  rs.getString(12),
                  rs.getObject(13, java.time.OffsetDateTime.class).toInstant(),
                  rs.getObject(14, java.time.OffsetDateTime.class).toInstant()));
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

  /** Binds group and the stored record's columns ({@code insertRetry}/{@code insertDead}). */
  private int bindRecord(PreparedStatement ps, ConsumerRecord<byte[], byte[]> record)
      throws SQLException {
    ps.setString(1, group);
    ps.setString(2, record.topic());
    ps.setInt(3, record.partition());
    ps.setLong(4, record.offset());
    ps.setLong(5, record.timestamp());
    ps.setBytes(6, RecordCodec.key(record.key()));
    ps.setBytes(7, record.value());
    ps.setBytes(8, RecordCodec.encode(record.headers()));
    UUID id = RecordCodec.eventId(record.headers());
    ps.setObject(9, id);
    return 10;
  }

  /** A stored record from {@link SetTables#RECORD_COLUMNS} starting at column {@code first}. */
  static ConsumerRecord<byte[], byte[]> record(ResultSet rs, int first) throws SQLException {
    return RecordCodec.record(
        rs.getString(first),
        rs.getInt(first + 1),
        rs.getLong(first + 2),
        rs.getLong(first + 3),
        rs.getBytes(first + 4),
        rs.getBytes(first + 5),
        rs.getBytes(first + 6));
  }

  private static long single(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** {@code class: message}, cut to {@link #MAX_ERROR_LENGTH}. */
  static String describe(Throwable error) {
    return cut(error.getClass().getName() + ": " + error.getMessage());
  }

  static String message(Throwable error) {
    return cut(String.valueOf(error.getMessage()));
  }

  private static String cut(String text) {
    return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH);
  }
}
