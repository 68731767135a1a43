package dev.relaybox.outbox.internal;

import dev.relaybox.outbox.OutboxSweeper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes old rows in batches; the cutoff uses the database clock, like {@code created_at}. */
final class JdbcOutboxSweeper implements OutboxSweeper {
  private static final Logger log = LoggerFactory.getLogger(JdbcOutboxSweeper.class);

  private final DataSource dataSource;
  private final Duration retention;
  private final int batchSize;
  private final String table;
  private final String sql;

  JdbcOutboxSweeper(
      DataSource dataSource, String schema, String table, Duration retention, int batchSize) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
    Objects.requireNonNull(retention, "retention must not be null");
    if (retention.isNegative()) {
      throw new IllegalArgumentException("retention must not be negative, was " + retention);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
    }
    this.retention = retention;
    this.batchSize = batchSize;
    this.table = schema + "." + table;
    String quoted = '"' + schema + "\".\"" + table + '"';
    this.sql =
        "DELETE FROM "
            + quoted
            + " WHERE id IN (SELECT id FROM "
            + quoted
            + " WHERE created_at < now() - ? * interval '1 millisecond'"
            + " ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED)";
  }

  @Override
  public long sweep() throws SQLException {
    long total = 0;
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try (PreparedStatement delete = connection.prepareStatement(sql)) {
        int deleted;
        do {
          delete.setLong(1, retention.toMillis());
          delete.setInt(2, batchSize);
          deleted = delete.executeUpdate();
          connection.commit();
          total += deleted;
        } while (deleted == batchSize);
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    }
    log.info("outbox swept table={} retention={} deleted={}", table, retention, total);
    return total;
  }

  @Override
  public Duration retention() {
    return retention;
  }

  @Override
  public int batchSize() {
    return batchSize;
  }
}
