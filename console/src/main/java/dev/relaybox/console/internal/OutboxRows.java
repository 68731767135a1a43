package dev.relaybox.console.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.config.SqlIdentifier;
import dev.relaybox.config.TopicPattern;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Reads the outbox table, which holds rows only in {@code RETAIN} mode (the default mode deletes
 * each row in the transaction that wrote it): rows by event id (primary key), and a key's rows
 * committed after a point in time, which the relay has not published yet.
 */
final class OutboxRows {

  /** An outbox row; {@code topic} is where the relay publishes it. */
  record Row(
      UUID id,
      String aggregateType,
      String key,
      String type,
      Instant createdAt,
      byte[] payload,
      String topic) {}

  private static final String COLUMNS = "id, aggregatetype, aggregateid, type, created_at, payload";

  private final Sources sources;
  private final String table;
  private final TopicPattern topics;

  OutboxRows(Sources sources) {
    this.sources = sources;
    this.table =
        SqlIdentifier.qualified(
            sources.config().get(CommonSettings.OUTBOX_SCHEMA),
            sources.config().get(CommonSettings.OUTBOX_TABLE));
    this.topics = sources.config().get(CommonSettings.TOPIC_PATTERN);
  }

  /** The retained rows of {@code ids} (nulls ignored). */
  Map<UUID, Row> byIds(List<UUID> ids) throws SQLException {
    List<UUID> wanted = ids.stream().filter(Objects::nonNull).distinct().toList();
    Map<UUID, Row> rows = new HashMap<>();
    if (wanted.isEmpty()) {
      return rows;
    }
    try (Connection c = sources.outboxDb().getConnection()) {
      if (!PostgresProbe.exists(c, table)) {
        return rows;
      }
      try (PreparedStatement ps =
          c.prepareStatement("SELECT " + COLUMNS + " FROM " + table + " WHERE id = ANY(?)")) {
        ps.setArray(1, c.createArrayOf("uuid", wanted.toArray()));
        read(ps).forEach(r -> rows.put(r.id(), r));
      }
    }
    return rows;
  }

  /** Rows of {@code key} committed after {@code after}, oldest first (at most 100). */
  List<Row> pendingByKey(String key, Instant after) throws SQLException {
    try (Connection c = sources.outboxDb().getConnection()) {
      if (!PostgresProbe.exists(c, table)) {
        return List.of();
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT "
                  + COLUMNS
                  + " FROM "
                  + table
                  + " WHERE aggregateid = ? AND created_at > ? ORDER BY created_at, id LIMIT 100")) {
        ps.setString(1, key);
        ps.setTimestamp(2, Timestamp.from(after));
        return read(ps);
      }
    }
  }

  private List<Row> read(PreparedStatement ps) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String type = rs.getString(2);
        TopicPattern.Resolution topic = topics.resolve(type);
        rows.add(
            new Row(
                rs.getObject(1, UUID.class),
                type,
                rs.getString(3),
                rs.getString(4),
                rs.getTimestamp(5).toInstant(),
                rs.getBytes(6),
                topic.invalidReason() == null ? topic.topic() : "(unroutable)"));
      }
    }
    return rows;
  }
}
