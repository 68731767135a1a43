package dev.relaybox.consumers.internal;

import dev.relaybox.config.SqlIdentifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * The retry set and dead set of the groups sharing a processed-keys table, and the rules every
 * writer follows, the runner and operators alike:
 *
 * <ul>
 *   <li>a transaction that changes a key's parked state first takes the key's transaction-scoped
 *       advisory lock ({@link #lockKey}), so that a runner and an operator never interleave;
 *   <li>it ends with {@link #normalize}: the key's lowest-offset retry row is its head, the only
 *       row with a next attempt time, unless a blocking dead event holds the key (then none has).
 * </ul>
 */
final class SetTables {

  /** What a key's rows say about it, read under its lock. */
  enum Kind {
    /** No retry row and no blocking dead event: the key runs live. */
    NONE,
    /** Waits behind a blocking dead event. */
    BLOCKED,
    /** Has a head with a next attempt time. */
    HEAD
  }

  /** A key's state: its head's offset and attempts so far, and how long until it is due. */
  record KeyState(Kind kind, long headOffset, int attempt, long waitMillis) {
    static final KeyState NONE = new KeyState(Kind.NONE, -1, 0, 0);
    static final KeyState BLOCKED = new KeyState(Kind.BLOCKED, -1, 0, 0);
  }

  /** The rows of one key of one group: the retry and dead sets' shared key columns. */
  record KeyRef(String group, String topic, int partition, byte[] key) {

    /** Binds the four key columns from {@code index} on; returns the next free index. */
    int bind(PreparedStatement ps, int index) throws SQLException {
      ps.setString(index, group);
      ps.setString(index + 1, topic);
      ps.setInt(index + 2, partition);
      ps.setBytes(index + 3, key);
      return index + 4;
    }

    /** The advisory lock's name: collisions only make two keys wait for each other. */
    String lockName() {
      return group + '|' + topic + '|' + partition + '|' + HexFormat.of().formatHex(key);
    }
  }

  static final String KEY_COLUMNS =
      "consumer_group = ? AND topic = ? AND kafka_partition = ? AND record_key = ?";

  /** The stored record's columns, in {@link RecordCodec#record} order after topic and partition. */
  static final String RECORD_COLUMNS =
      "topic, kafka_partition, kafka_offset, record_timestamp, record_key, record_value, headers";

  final String retrySet;
  final String deadSet;
  private final String normalize;
  private final String state;

  SetTables(String schema, String processedKeysTable) {
    this.retrySet = SqlIdentifier.qualified(schema, processedKeysTable + "_retry_set");
    this.deadSet = SqlIdentifier.qualified(schema, processedKeysTable + "_dead_set");
    String blocked =
        "EXISTS (SELECT 1 FROM "
            + deadSet
            + " WHERE "
            + KEY_COLUMNS
            + " AND state = 'dead' AND blocks_key)";
    // The head keeps its due time; a row that becomes head is due now. Both updates go through
    // the key's lowest offset and the heads index, never through the key's whole queue.
    this.normalize =
        "WITH m AS (SELECT (SELECT min(kafka_offset) FROM "
            + retrySet
            + " WHERE "
            + KEY_COLUMNS
            + ") AS head, "
            + blocked
            + " AS blocked), demote AS (UPDATE "
            + retrySet
            + " r SET next_attempt_at = NULL FROM m WHERE "
            + alias("r")
            + " AND r.next_attempt_at IS NOT NULL AND (r.kafka_offset <> m.head OR m.blocked)"
            + " RETURNING 1) UPDATE "
            + retrySet
            + " r SET next_attempt_at = now() FROM m WHERE "
            + alias("r")
            + " AND r.kafka_offset = m.head AND r.next_attempt_at IS NULL AND NOT m.blocked";
    this.state =
        "SELECT "
            + blocked
            + ", h.kafka_offset, h.attempt,"
            + " greatest(0, ceil(extract(epoch FROM h.next_attempt_at - now()) * 1000))::bigint"
            + " FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT kafka_offset, attempt,"
            + " next_attempt_at FROM "
            + retrySet
            + " WHERE "
            + KEY_COLUMNS
            + " AND next_attempt_at IS NOT NULL ORDER BY kafka_offset LIMIT 1) h ON true";
  }

  private static String alias(String table) {
    return KEY_COLUMNS
        .replace("consumer_group", table + ".consumer_group")
        .replace("topic", table + ".topic")
        .replace("kafka_partition", table + ".kafka_partition")
        .replace("record_key", table + ".record_key");
  }

  /** Takes the key's advisory lock until {@code tx} ends. */
  void lockKey(Connection tx, KeyRef key) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
      ps.setString(1, key.lockName());
      ps.executeQuery().close();
    }
  }

  /** Restores the head rule for the key (see the class comment); under its lock. */
  void normalize(Connection tx, KeyRef key) throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement(normalize)) {
      int i = 1;
      for (int k = 0; k < 4; k++) {
        i = key.bind(ps, i);
      }
      ps.executeUpdate();
    }
  }

  /** The key's state after {@link #normalize}. */
  KeyState state(Connection tx, KeyRef key) throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement(state)) {
      key.bind(ps, key.bind(ps, 1));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getBoolean(1)) {
          return KeyState.BLOCKED;
        }
        long head = rs.getLong(2);
        return rs.wasNull()
            ? KeyState.NONE
            : new KeyState(Kind.HEAD, head, rs.getInt(3), rs.getLong(4));
      }
    }
  }
}
