package dev.relaybox.consumers.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the group's processed keys older than the retention, on a thread of its own, every
 * interval. Each batch is one autocommitted {@link ProcessedKeys#deleteExpired} of at most {@value
 * ProcessedKeys#SWEEP_BATCH_SIZE} rows, so no lock is held longer than one short statement and the
 * handlers' transactions are never involved. A failed sweep is logged, counted and retried at the
 * next interval.
 */
final class ProcessedKeysSweeper implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProcessedKeysSweeper.class);

  private final RunnerSettings settings;
  private final ProcessedKeys keys;
  private final RunnerMetrics metrics;
  private ScheduledExecutorService executor;
  private volatile boolean closing;

  ProcessedKeysSweeper(RunnerSettings settings, ProcessedKeys keys, RunnerMetrics metrics) {
    this.settings = settings;
    this.keys = keys;
    this.metrics = metrics;
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
        settings.processedKeys().sweepInterval().toMillis(),
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
          settings.processedKeys().qualifiedTable(),
          settings.processedKeys().retention(),
          settings.processedKeys().sweepInterval(),
          e.toString());
    }
  }

  /** Deletes every key of the group older than the retention, batch by batch. */
  private void sweepOnce() throws SQLException {
    long start = System.nanoTime();
    long deleted = 0;
    OffsetDateTime olderThan;
    // Fixed for the whole sweep, so that every batch agrees on what is expired.
    try (Connection c = settings.handling().dataSource().getConnection()) {
      olderThan = keys.cutoff(c, settings.processedKeys().retention());
    }
    int batch;
    do {
      // A connection per batch: a long first sweep must not keep one of the pool's for minutes.
      try (Connection c = settings.handling().dataSource().getConnection()) {
        c.setAutoCommit(true);
        batch = keys.deleteExpired(c, olderThan);
      }
      deleted += batch;
      metrics.processedKeysDeleted(batch);
    } while (batch == ProcessedKeys.SWEEP_BATCH_SIZE && !closing);
    log.info(
        "processed keys swept group={} deleted={} olderThan={} tookMs={}",
        settings.groupId(),
        deleted,
        olderThan.toInstant(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
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
