package dev.relaybox.outbox;

import java.sql.SQLException;
import java.time.Duration;

/**
 * Deletes outbox rows older than a retention period, for {@link CleanupMode#RETAIN}. Get one from
 * {@link Outbox#sweeper(javax.sql.DataSource, Duration)}; schedule {@link #sweep()} yourself (e.g.
 * every few minutes on a {@code ScheduledExecutorService}).
 *
 * <p>Each batch is its own short transaction on a connection borrowed from the data source, and
 * locks its rows with {@code SKIP LOCKED}, so sweepers on several instances neither block each
 * other nor the writers. Deletes never reach Kafka: the relay publishes inserts only. Thread-safe.
 */
public interface OutboxSweeper {

  /**
   * Deletes rows whose {@code created_at} is older than the retention, batch by batch, until a
   * batch finds fewer rows than the batch size.
   *
   * @return the number of rows deleted
   * @throws SQLException if the database fails; batches already committed stay deleted
   */
  long sweep() throws SQLException;

  /** How old a row must be before it is deleted. */
  Duration retention();

  /** Rows deleted per transaction. */
  int batchSize();
}
