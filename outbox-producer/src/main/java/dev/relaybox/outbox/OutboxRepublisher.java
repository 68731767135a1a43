package dev.relaybox.outbox;

import dev.relaybox.config.TopicPattern;
import dev.relaybox.outbox.internal.OutboxSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes retained outbox events again, for {@link CleanupMode#RETAIN}, when a Kafka topic lost
 * them (deleted topic, unclean leader election, restored cluster).
 *
 * <p>The relay's publication carries inserts only, so deleting a row and inserting the identical
 * row again (same {@code id}, {@code aggregatetype}, {@code aggregateid}, {@code type}, {@code
 * payload}, {@code created_at}, {@code headers}) makes the relay publish the event again, with the
 * same key, value, timestamp and headers; the delete never reaches Kafka. Consumers deduplicate by
 * event id, so events they already processed are skipped.
 *
 * <pre>{@code
 * long n = OutboxRepublisher.builder().dataSource(ds).build()
 *     .republish(Instant.parse("2026-11-22T10:00:00Z"), Instant.parse("2026-11-22T11:00:00Z"),
 *         done -> log.info("republished={}", done));
 * }</pre>
 *
 * <p><b>Transactions.</b> Rows are taken in {@code (created_at, id)} order in batches of {@link
 * Builder#batchSize}; each batch is locked, deleted and inserted again in its own transaction on a
 * connection borrowed from the data source, so a crash at any point leaves every row present
 * exactly once (a rerun publishes the earlier batches a second time, which consumers skip).
 * Re-inserting in {@code created_at} order keeps each aggregate's events in order.
 *
 * <p>Thread-safe; one call at a time per window is enough. Sweepers skip the locked rows.
 */
public final class OutboxRepublisher {
  private static final Logger log = LoggerFactory.getLogger(OutboxRepublisher.class);

  private static final String COLUMNS =
      "id, aggregatetype, aggregateid, type, payload, created_at, headers";

  private final DataSource dataSource;
  private final String table;
  private final int batchSize;
  private final String countSql;
  private final String deleteSql;
  private final String insertSql;
  private final String orderIdsSql;
  private final String deleteIdsSql;

  private OutboxRepublisher(Builder b, OutboxSettings settings) {
    this.dataSource = b.dataSource;
    this.batchSize = b.batchSize;
    this.table = settings.schema() + "." + settings.table();
    // Identifiers are validated by OutboxSettings ([a-z_][a-z0-9_]*), so quoting is all it takes.
    String quoted = '"' + settings.schema() + "\".\"" + settings.table() + '"';
    String window = " WHERE created_at >= ? AND created_at < ?";
    this.countSql = "SELECT count(*) FROM " + quoted + window;
    // Postgres orders the batch: uuid order there is unsigned bytewise, unlike java.util.UUID's.
    this.deleteSql =
        "WITH batch AS (SELECT id FROM "
            + quoted
            + window
            + " AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ? FOR UPDATE),"
            + " deleted AS (DELETE FROM "
            + quoted
            + " WHERE id IN (SELECT id FROM batch) RETURNING "
            + COLUMNS
            + ") SELECT "
            + COLUMNS
            + " FROM deleted ORDER BY created_at, id";
    this.insertSql =
        "INSERT INTO " + quoted + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?::jsonb)";
    this.orderIdsSql = "SELECT id FROM " + quoted + " WHERE id = ANY (?) ORDER BY created_at, id";
    this.deleteIdsSql =
        "WITH deleted AS (DELETE FROM "
            + quoted
            + " WHERE id IN (SELECT id FROM "
            + quoted
            + " WHERE id = ANY (?) FOR UPDATE) RETURNING "
            + COLUMNS
            + ") SELECT "
            + COLUMNS
            + " FROM deleted ORDER BY created_at, id";
  }

  /** A builder with the defaults listed on its setters. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Counts the retained events with {@code from <= created_at < to}; changes nothing.
   *
   * @throws IllegalArgumentException if {@code from} is not before {@code to}
   * @throws SQLException if the database fails (e.g. the table does not exist)
   */
  public long count(Instant from, Instant to) throws SQLException {
    requireWindow(from, to);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(countSql)) {
      ps.setObject(1, utc(from));
      ps.setObject(2, utc(to));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Makes the relay publish every retained event with {@code from <= created_at < to} again.
   *
   * @param progress called after each committed batch with the number of events republished so far;
   *     not null
   * @return the number of events republished
   * @throws IllegalArgumentException if {@code from} is not before {@code to}
   * @throws SQLException if the database fails; batches committed before stay republished, the
   *     failed batch is rolled back, and every row is still present exactly once
   */
  public long republish(Instant from, Instant to, LongConsumer progress) throws SQLException {
    requireWindow(from, to);
    Objects.requireNonNull(progress, "progress must not be null");
    long total = 0;
    // (created_at, id) of the last row republished: keyset pagination over rows that keep their
    // key when re-inserted.
    OffsetDateTime afterCreatedAt = utc(from).minusNanos(1_000); // before every row in the window
    UUID afterId = new UUID(0, 0);
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try (PreparedStatement delete = c.prepareStatement(deleteSql);
          PreparedStatement insert = c.prepareStatement(insertSql)) {
        while (true) {
          List<Row> rows = takeBatch(delete, from, to, afterCreatedAt, afterId);
          if (rows.isEmpty()) {
            c.commit();
            break;
          }
          // Same order as the relay first published them, so each aggregate stays in order.
          for (Row row : rows) {
            row.bind(insert);
            insert.addBatch();
          }
          insert.executeBatch();
          c.commit();
          total += rows.size();
          Row last = rows.get(rows.size() - 1);
          afterCreatedAt = last.createdAt;
          afterId = last.id;
          // A short batch does not mean the end: a concurrent sweeper may have deleted rows.
          progress.accept(total);
        }
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    }
    log.info("outbox republished table={} from={} to={} events={}", table, from, to, total);
    return total;
  }

  /**
   * Makes the relay publish exactly the retained events with these ids again (for {@code relaybox
   * outbox reconcile}, which found them missing in Kafka). Rows are re-inserted in {@code
   * (created_at, id)} order, in batches of {@link Builder#batchSize}, each in its own transaction,
   * as {@link #republish(Instant, Instant, LongConsumer)} does; ids without a row are ignored.
   *
   * @param progress called after each committed batch with the number republished so far
   * @return the number of events republished
   * @throws SQLException if the database fails; committed batches stay republished, every row is
   *     still present exactly once
   */
  public long republish(Collection<UUID> ids, LongConsumer progress) throws SQLException {
    Objects.requireNonNull(ids, "ids must not be null");
    Objects.requireNonNull(progress, "progress must not be null");
    if (ids.isEmpty()) {
      return 0;
    }
    long total = 0;
    try (Connection c = dataSource.getConnection()) {
      List<UUID> ordered = new ArrayList<>(ids.size());
      try (PreparedStatement ps = c.prepareStatement(orderIdsSql)) {
        ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ordered.add(rs.getObject(1, UUID.class));
          }
        }
      }
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try (PreparedStatement delete = c.prepareStatement(deleteIdsSql);
          PreparedStatement insert = c.prepareStatement(insertSql)) {
        for (int from = 0; from < ordered.size(); from += batchSize) {
          List<UUID> batch = ordered.subList(from, Math.min(from + batchSize, ordered.size()));
          delete.setArray(1, c.createArrayOf("uuid", batch.toArray()));
          List<Row> rows = read(delete);
          for (Row row : rows) {
            row.bind(insert);
            insert.addBatch();
          }
          insert.executeBatch();
          c.commit();
          total += rows.size();
          progress.accept(total);
        }
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    }
    log.info("outbox republished table={} ids={} events={}", table, ids.size(), total);
    return total;
  }

  /** Rows per transaction. */
  public int batchSize() {
    return batchSize;
  }

  private List<Row> takeBatch(
      PreparedStatement delete,
      Instant from,
      Instant to,
      OffsetDateTime afterCreatedAt,
      UUID afterId)
      throws SQLException {
    delete.setObject(1, utc(from));
    delete.setObject(2, utc(to));
    delete.setObject(3, afterCreatedAt);
    delete.setObject(4, afterId);
    delete.setInt(5, batchSize);
    return read(delete);
  }

  /** The rows a delete statement returned, in its order. */
  private List<Row> read(PreparedStatement delete) throws SQLException {
    List<Row> rows = new ArrayList<>(batchSize);
    try (ResultSet rs = delete.executeQuery()) {
      while (rs.next()) {
        rows.add(
            new Row(
                rs.getObject(1, UUID.class),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getBytes(5),
                rs.getObject(6, OffsetDateTime.class),
                rs.getString(7)));
      }
    }
    return rows;
  }

  private static void requireWindow(Instant from, Instant to) {
    Objects.requireNonNull(from, "from must not be null");
    Objects.requireNonNull(to, "to must not be null");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException(
          "from (" + from + ") must be before to (" + to + "): the window is [from, to)");
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  /** One outbox row, as read back before it is inserted again. */
  private record Row(
      UUID id,
      String aggregateType,
      String aggregateId,
      String type,
      byte[] payload,
      OffsetDateTime createdAt,
      String headersJson) {
    void bind(PreparedStatement insert) throws SQLException {
      insert.setObject(1, id);
      insert.setString(2, aggregateType);
      insert.setString(3, aggregateId);
      insert.setString(4, type);
      insert.setBytes(5, payload);
      insert.setObject(6, createdAt);
      if (headersJson == null) {
        insert.setNull(7, Types.VARCHAR);
      } else {
        insert.setString(7, headersJson);
      }
    }
  }

  /** Configuration for an {@link OutboxRepublisher}; every setter returns {@code this}. */
  public static final class Builder {
    private DataSource dataSource;
    private String schema = "public";
    private String table = "outbox";
    private int batchSize = 500;

    private Builder() {}

    /** Where the outbox table lives. Required. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = dataSource;
      return this;
    }

    /** Schema of the outbox table. Default {@code public}; validated like {@link Outbox}'s. */
    public Builder schema(String schema) {
      this.schema = schema;
      return this;
    }

    /** Name of the outbox table. Default {@code outbox}; validated like {@link Outbox}'s. */
    public Builder table(String table) {
      this.table = table;
      return this;
    }

    /** Rows deleted and re-inserted per transaction. Default 500; at least 1. */
    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /**
     * Validates the configuration.
     *
     * @throws NullPointerException if the data source is missing
     * @throws IllegalArgumentException naming an invalid schema, table or batch size
     */
    public OutboxRepublisher build() {
      Objects.requireNonNull(dataSource, "dataSource must not be null");
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
      }
      // The Outbox's own validation, so the republisher accepts exactly the tables it writes.
      OutboxSettings settings =
          new OutboxSettings(
              schema,
              table,
              CleanupMode.RETAIN,
              Outbox.DEFAULT_MAX_EVENT_BYTES,
              TopicPattern.parse(Outbox.DEFAULT_TOPIC_PATTERN));
      return new OutboxRepublisher(this, settings);
    }
  }
}
