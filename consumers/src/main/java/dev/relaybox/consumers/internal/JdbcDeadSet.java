package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.DeadEvent;
import dev.relaybox.consumers.DeadSet;
import dev.relaybox.consumers.internal.SetTables.KeyRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** {@link DeadSet} on the dead-set table: each action one transaction under the key's lock. */
public final class JdbcDeadSet implements DeadSet {

  private static final String COLUMNS =
      "id, consumer_group, topic, kafka_partition, kafka_offset, event_id, record_key,"
          + " record_value, headers, record_timestamp, reason, blocks_key, attempts, error_class,"
          + " error_message, first_failure_at, died_at, dlq_published_at, state, resolved_by,"
          + " resolved_at";

  private final DataSource dataSource;
  private final SetTables tables;

  public JdbcDeadSet(DataSource dataSource, String schema, String processedKeysTable) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
    ProcessedKeySettings.requireNames(schema, processedKeysTable);
    this.tables = new SetTables(schema, processedKeysTable);
  }

  @Override
  public List<DeadEvent> list(String group, DeadEvent.State state, String reason, int limit)
      throws SQLException {
    Objects.requireNonNull(group, "group must not be null");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM "
            + tables.deadSet
            + " WHERE consumer_group = ?"
            + (state == null ? "" : " AND state = ?")
            + (reason == null ? "" : " AND reason = ?")
            + " ORDER BY id LIMIT ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      ps.setString(i++, group);
      if (state != null) {
        ps.setString(i++, stateName(state));
      }
      if (reason != null) {
        ps.setString(i++, reason);
      }
      ps.setInt(i, limit);
      List<DeadEvent> events = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          events.add(event(rs));
        }
      }
      return events;
    }
  }

  @Override
  public Optional<DeadEvent> find(String group, long id) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return find(c, group, id, false);
    }
  }

  @Override
  public DeadEvent redrive(String group, long id, String actor) throws SQLException {
    return resolve(group, id, actor, DeadEvent.State.REDRIVEN);
  }

  @Override
  public DeadEvent discard(String group, long id, String actor) throws SQLException {
    return resolve(group, id, actor, DeadEvent.State.DISCARDED);
  }

  private DeadEvent resolve(String group, long id, String actor, DeadEvent.State to)
      throws SQLException {
    Objects.requireNonNull(group, "group must not be null");
    if (actor == null || actor.isBlank()) {
      throw new IllegalArgumentException("actor must name who acts, e.g. alice@ops-host");
    }
    try (Connection tx = dataSource.getConnection()) {
      tx.setAutoCommit(false);
      try {
        DeadEvent event = find(tx, group, id, false).orElseThrow(() -> notFound(group, id));
        KeyRef key = new KeyRef(group, event.topic(), event.partition(), event.key());
        // The key's lock first, as the runner takes it, then the row.
        tables.lockKey(tx, key);
        event = find(tx, group, id, true).orElseThrow(() -> notFound(group, id));
        if (event.state() != DeadEvent.State.DEAD) {
          throw new IllegalStateException(
              "dead event "
                  + id
                  + " of group "
                  + group
                  + " was "
                  + stateName(event.state())
                  + " already, by "
                  + event.resolvedBy()
                  + " at "
                  + event.resolvedAt());
        }
        if (to == DeadEvent.State.REDRIVEN) {
          requeue(tx, id);
        }
        try (PreparedStatement ps =
            tx.prepareStatement(
                "UPDATE "
                    + tables.deadSet
                    + " SET state = ?, resolved_by = ?, resolved_at = now() WHERE id = ?")) {
          ps.setString(1, stateName(to));
          ps.setString(2, actor);
          ps.setLong(3, id);
          ps.executeUpdate();
        }
        tables.normalize(tx, key);
        DeadEvent resolved = find(tx, group, id, false).orElseThrow();
        tx.commit();
        return resolved;
      } catch (SQLException | RuntimeException e) {
        tx.rollback();
        throw e;
      }
    }
  }

  /** Puts the dead event back into the retry set with fresh attempts; normalizing heads it. */
  private void requeue(Connection tx, long id) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "INSERT INTO "
                + tables.retrySet
                + " (consumer_group, "
                + SetTables.RECORD_COLUMNS
                + ", event_id, attempt, next_attempt_at) SELECT consumer_group, "
                + SetTables.RECORD_COLUMNS
                + ", event_id, 0, NULL FROM "
                + tables.deadSet
                + " WHERE id = ? ON CONFLICT DO NOTHING")) {
      ps.setLong(1, id);
      ps.executeUpdate();
    }
  }

  private Optional<DeadEvent> find(Connection c, String group, long id, boolean forUpdate)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM "
                + tables.deadSet
                + " WHERE consumer_group = ? AND id = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
      ps.setString(1, group);
      ps.setLong(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(event(rs)) : Optional.empty();
      }
    }
  }

  private static IllegalArgumentException notFound(String group, long id) {
    return new IllegalArgumentException(
        "group " + group + " has no dead event " + id + "; `relaybox dlq list` shows its ids");
  }

  private static DeadEvent event(ResultSet rs) throws SQLException {
    return new DeadEvent(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getInt(4),
        rs.getLong(5),
        rs.getObject(6, UUID.class),
        rs.getBytes(7),
        rs.getBytes(8),
        RecordCodec.decode(rs.getBytes(9)),
        rs.getLong(10),
        rs.getString(11),
        rs.getBoolean(12),
        rs.getInt(13),
        rs.getString(14),
        rs.getString(15),
        instant(rs, 16),
        instant(rs, 17),
        instant(rs, 18),
        DeadEvent.State.valueOf(rs.getString(19).toUpperCase(Locale.ROOT)),
        rs.getString(20),
        instant(rs, 21));
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
    return time == null ? null : time.toInstant();
  }

  private static String stateName(DeadEvent.State state) {
    return state.name().toLowerCase(Locale.ROOT);
  }
}
