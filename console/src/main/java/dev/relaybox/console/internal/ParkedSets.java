package dev.relaybox.console.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads a group's retry set and dead set, the consumer framework's tables next to its processed
 * keys ({@code <table>_retry_set}, {@code <table>_dead_set}, migration V3 of the consumers module),
 * with the filters of the Retries &amp; dead page. Every value is a bind parameter. The {@code
 * headers} column holds the record's headers as the framework stores them: a count, then per header
 * the name's length and bytes and the value's length (-1: null) and bytes, big-endian.
 */
final class ParkedSets {
  static final String RETRY_SET = "_retry_set";
  static final String DEAD_SET = "_dead_set";

  /** A page of the dead set. */
  static final int PAGE = 50;

  /** The dead-set filters; empty strings and null mean "any". */
  record Filter(
      String state, String key, String type, String error, Duration olderThan, Long before) {}

  /** One dead event as listed (no value). */
  record DeadRow(
      long id,
      Instant diedAt,
      String key,
      String type,
      String topic,
      int partition,
      long offset,
      String reason,
      int attempts,
      String error,
      String state,
      UUID eventId,
      boolean blocksKey,
      String resolvedBy,
      Instant resolvedAt,
      Map<String, String> headers,
      byte[] value) {}

  /** A parked key of the retry set: its head and how many events wait. */
  record ParkedKey(
      String topic,
      int partition,
      String key,
      int events,
      long headOffset,
      int attempt,
      Instant nextAttempt,
      String lastError,
      Instant parkedAt) {}

  private ParkedSets() {}

  /** The dead events matching {@code f}, newest first, one page. */
  static List<DeadRow> dead(Connection c, Sources.Group g, Filter f) throws SQLException {
    List<Object> params = new ArrayList<>();
    String sql =
        "SELECT id, died_at, record_key, headers, topic, kafka_partition, kafka_offset, reason,"
            + " attempts, error_class || ': ' || error_message, state, event_id, blocks_key,"
            + " resolved_by, resolved_at, NULL::bytea FROM "
            + g.qualified(DEAD_SET)
            + where(g, f, params)
            + (f.before() == null ? "" : " AND id < ?")
            + " ORDER BY id DESC LIMIT "
            + PAGE;
    if (f.before() != null) {
      params.add(f.before());
    }
    return query(c, sql, params);
  }

  /** How many dead events match {@code f} (paging aside). */
  static long count(Connection c, Sources.Group g, Filter f) throws SQLException {
    List<Object> params = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT count(*) FROM " + g.qualified(DEAD_SET) + where(g, f, params))) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The ids of every dead event matching {@code f}, oldest first (for a bulk action). */
  static List<Long> ids(Connection c, Sources.Group g, Filter f) throws SQLException {
    List<Object> params = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id FROM " + g.qualified(DEAD_SET) + where(g, f, params) + " ORDER BY id")) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
    }
    return ids;
  }

  /** One dead event in full, value included. */
  static DeadRow deadEvent(Connection c, Sources.Group g, long id) throws SQLException {
    List<DeadRow> rows =
        query(
            c,
            "SELECT id, died_at, record_key, headers, topic, kafka_partition, kafka_offset, reason,"
                + " attempts, error_class || ': ' || error_message, state, event_id, blocks_key,"
                + " resolved_by, resolved_at, record_value FROM "
                + g.qualified(DEAD_SET)
                + " WHERE consumer_group = ? AND id = ?",
            List.of(g.name(), id));
    return rows.isEmpty() ? null : rows.get(0);
  }

  /** The group's parked keys, longest parked first (at most {@link #PAGE}). */
  static List<ParkedKey> parkedKeys(Connection c, Sources.Group g) throws SQLException {
    String sql =
        "SELECT topic, kafka_partition, record_key, count(*), min(kafka_offset), max(attempt),"
            + " min(next_attempt_at), (array_agg(last_error ORDER BY kafka_offset))[1],"
            + " min(parked_at) FROM "
            + g.qualified(RETRY_SET)
            + " WHERE consumer_group = ? GROUP BY topic, kafka_partition, record_key"
            + " ORDER BY min(parked_at) LIMIT "
            + PAGE;
    List<ParkedKey> keys = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, g.name());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Timestamp next = rs.getTimestamp(7);
          keys.add(
              new ParkedKey(
                  rs.getString(1),
                  rs.getInt(2),
                  utf8(rs.getBytes(3)),
                  rs.getInt(4),
                  rs.getLong(5),
                  rs.getInt(6),
                  next == null ? null : next.toInstant(),
                  rs.getString(8),
                  rs.getTimestamp(9).toInstant()));
        }
      }
    }
    return keys;
  }

  /** Makes the head of a parked key due now; the runner retries it at its next look. */
  static int retryNow(Connection c, Sources.Group g, String topic, int partition, String key)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE "
                + g.qualified(RETRY_SET)
                + " SET next_attempt_at = now() WHERE consumer_group = ? AND topic = ?"
                + " AND kafka_partition = ? AND record_key = ? AND next_attempt_at > now()")) {
      ps.setString(1, g.name());
      ps.setString(2, topic);
      ps.setInt(3, partition);
      ps.setBytes(4, key.getBytes(StandardCharsets.UTF_8));
      return ps.executeUpdate();
    }
  }

  private static String where(Sources.Group g, Filter f, List<Object> params) {
    StringBuilder where = new StringBuilder(" WHERE consumer_group = ?");
    params.add(g.name());
    if (f.state() != null) {
      where.append(" AND state = ?");
      params.add(f.state());
    }
    if (!f.key().isEmpty()) {
      where.append(" AND record_key = ?");
      params.add(f.key().getBytes(StandardCharsets.UTF_8));
    }
    if (!f.error().isEmpty()) {
      where.append(" AND strpos(lower(error_class || ': ' || error_message), lower(?)) > 0");
      params.add(f.error());
    }
    if (f.olderThan() != null) {
      where.append(" AND died_at < now() - ? * interval '1 second'");
      params.add(f.olderThan().toSeconds());
    }
    if (!f.type().isEmpty()) {
      // the eventType header as stored: name length, name, value length, value
      where.append(" AND position(? in headers) > 0");
      params.add(header("eventType", f.type()));
    }
    return where.toString();
  }

  private static byte[] header(String name, String value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      byte[] v = value.getBytes(StandardCharsets.UTF_8);
      out.writeInt(n.length);
      out.write(n);
      out.writeInt(v.length);
      out.write(v);
    } catch (IOException e) {
      throw new IllegalStateException(e); // in memory
    }
    return bytes.toByteArray();
  }

  /** The stored headers, in order (a later duplicate wins in the map). */
  static Map<String, String> headers(byte[] stored) {
    Map<String, String> headers = new LinkedHashMap<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        String name = utf8(in.readNBytes(in.readInt()));
        int length = in.readInt();
        headers.put(name, length < 0 ? "null" : utf8(in.readNBytes(length)));
      }
    } catch (IOException | RuntimeException e) {
      headers.put("(unreadable headers)", e.toString());
    }
    return headers;
  }

  private static List<DeadRow> query(Connection c, String sql, List<Object> params)
      throws SQLException {
    List<DeadRow> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Map<String, String> headers = headers(rs.getBytes(4));
          Timestamp resolved = rs.getTimestamp(15);
          rows.add(
              new DeadRow(
                  rs.getLong(1),
                  rs.getTimestamp(2).toInstant(),
                  utf8(rs.getBytes(3)),
                  headers.getOrDefault("eventType", ""),
                  rs.getString(5),
                  rs.getInt(6),
                  rs.getLong(7),
                  rs.getString(8),
                  rs.getInt(9),
                  rs.getString(10),
                  rs.getString(11),
                  rs.getObject(12, UUID.class),
                  rs.getBoolean(13),
                  rs.getString(14),
                  resolved == null ? null : resolved.toInstant(),
                  headers,
                  rs.getBytes(16)));
        }
      }
    }
    return rows;
  }

  private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      ps.setObject(i + 1, params.get(i));
    }
  }

  private static String utf8(byte[] bytes) {
    return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
  }
}
