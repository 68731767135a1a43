package dev.relaybox.consumers.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the group's processed keys older than the retention, on a thread of its own, every
 * interval. Each batch is one autocommitted {@code DELETE} of at most {@link #BATCH_SIZE} rows
 * found through the {@code (consumer_group, processed_at)} index, so no lock is held longer than
 * one short statement and the handlers' transactions are never involved. {@code FOR UPDATE SKIP
 * LOCKED} lets the members of a group sweep at the same time without waiting on each other. A
 * failed sweep is logged, counted and retried at the next interval.
 */
final class ProcessedKeysSweeper implements AutoCloseable {

  static final int BATCH_SIZE = 5_000;

  private static final Logger log = LoggerFactory.getLogger(ProcessedKeysSweeper.class);

  private final RunnerSettings settings;
  private final RunnerMetrics metrics;
  private final String deleteBatch;
  private ScheduledExecutorService executor;
  private volatile boolean closing;

  ProcessedKeysSweeper(RunnerSettings settings, RunnerMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    String table = settings.qualifiedTable();
    // ctid = ANY(ARRAY(...)) is planned as a TID scan; "ctid IN (SELECT ...)" may become a join.
    // The cutoff is a parameter (not now() - retention) so that every batch of a sweep agrees.
    this.deleteBatch =
        "DELETE FROM "
            + table
            + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM "
            + table
            + " WHERE consumer_group = ? AND processed_at < ? ORDER BY processed_at LIMIT "
            + BATCH_SIZE
            + " FOR UPDATE SKIP LOCKED))";
  }

  /** Schedules the sweeps: the first now, then each {@code processedKeysSweepInterval} after. */
  synchronized void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread t = new Thread(runnable, "relaybox-sweeper-" + settings.groupId());
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(
        this::sweepAndLogFailure,
        0,
        settings.processedKeysSweepInterval().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void sweepAndLogFailure() {
    try {
      sweepOnce();
    } catch (SQLException | RuntimeException e) {
      metrics.sweepFailed();
      log.warn(
          "processed keys sweep failed, retrying at the next interval group={} table={}"
              + " retention={} interval={} error={}",
          settings.groupId(),
          settings.qualifiedTable(),
          settings.processedKeysRetention(),
          settings.processedKeysSweepInterval(),
          e.toString());
    }
  }

  /** Deletes every key of the group older than the retention, batch by batch; returns how many. */
  long sweepOnce() throws SQLException {
    long start = System.nanoTime();
    long deleted = 0;
    OffsetDateTime olderThan;
    try (Connection c = settings.dataSource().getConnection()) {
      c.setAutoCommit(true);
      olderThan = cutoff(c);
      try (PreparedStatement delete = c.prepareStatement(deleteBatch)) {
        delete.setString(1, settings.groupId());
        delete.setObject(2, olderThan);
        int batch;
        do {
          batch = delete.executeUpdate();
          deleted += batch;
          metrics.processedKeysDeleted(batch);
        } while (batch == BATCH_SIZE && !closing);
      }
    }
    log.info(
        "processed keys swept group={} deleted={} olderThan={} tookMs={}",
        settings.groupId(),
        deleted,
        olderThan.toInstant(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    return deleted;
  }

  /** The database's clock, not the JVM's: {@code processed_at} defaults to the server's now(). */
  private OffsetDateTime cutoff(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT now() - ? * interval '1 millisecond'")) {
      ps.setLong(1, settings.processedKeysRetention().toMillis());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getObject(1, OffsetDateTime.class);
      }
    }
  }

  /** Cancels the next sweeps and waits for a running one to finish its current batch. */
  @Override
  public synchronized void close() {
    closing = true;
    if (executor == null) {
      return;
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(
          settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn(
            "processed keys sweeper did not stop within shutdownTimeout={} group={}",
            settings.shutdownTimeout(),
            settings.groupId());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
