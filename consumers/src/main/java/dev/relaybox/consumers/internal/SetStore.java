package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.internal.SetTables.KeyRef;
import dev.relaybox.consumers.internal.SetTables.KeyState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
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

  private final String group;
  private final SetTables tables;
  private final String insertRetry;
  private final String insertDead;
  private final String killHead;
  private final String claim;

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
