package dev.relaybox.consumers.saga.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread {@code relaybox-sagas} that, every poll interval, runs the due retries (pending
 * actions whose time came) and deadlines of its definitions' sagas, one saga per transaction, each
 * locked with {@code FOR UPDATE SKIP LOCKED} so that several instances share the work and a reply
 * being applied is never overtaken; then it counts stuck and parked sagas for the gauges.
 */
final class SagaPoller {

  private static final Logger log = LoggerFactory.getLogger(SagaPoller.class);

  /** Sagas moved per round at most, so that counting and stopping are never starved. */
  private static final int MAX_PER_ROUND = 1_000;

  private final JdbcSagas sagas;
  private final SagasSettings settings;
  private final SagaTable table;
  private final SagaMetrics metrics;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition stop = lock.newCondition();
  private volatile boolean closed;
  private Thread thread;

  SagaPoller(JdbcSagas sagas, SagasSettings settings, SagaTable table, SagaMetrics metrics) {
    this.sagas = sagas;
    this.settings = settings;
    this.table = table;
    this.metrics = metrics;
  }

  synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("sagas started already");
    }
    thread = new Thread(this::loop, "relaybox-sagas");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (!closed) {
      try {
        pollOnce();
        count();
      } catch (SQLException | RuntimeException e) {
        log.warn("saga poll failed, trying again in {}: {}", settings.pollInterval(), e.toString());
      }
      lock.lock();
      try {
        if (!closed) {
          stop.await(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        lock.unlock();
      }
    }
  }

  /** Moves due sagas until none is left (or a round's maximum); returns how many moved. */
  int pollOnce() throws SQLException {
    int moved = 0;
    while (moved < MAX_PER_ROUND && !closed && moveOne()) {
      moved++;
    }
    return moved;
  }

  private boolean moveOne() throws SQLException {
    try (Connection tx = settings.dataSource().getConnection()) {
      tx.setAutoCommit(false);
      SagaTable.Loaded loaded = null;
      try {
        Optional<SagaTable.Loaded> due = table.claimDueAction(tx, sagas.types());
        boolean deadline = due.isEmpty();
        if (deadline) {
          due = table.claimPastDeadline(tx, sagas.types());
        }
        if (due.isEmpty()) {
          tx.commit();
          return false;
        }
        loaded = due.get();
        sagas.move(tx, loaded, deadline);
        tx.commit();
        return true;
      } catch (RuntimeException e) {
        tx.rollback();
        if (loaded == null) {
          throw e;
        }
        // A saga the engine cannot move (a step the deployed definition lacks, data the codec
        // cannot read) would come first again at every round: park it for an operator.
        sagas.park(tx, loaded.row().type, loaded.row().sagaId, e);
        tx.commit();
        return true;
      } catch (SQLException e) {
        tx.rollback();
        throw e;
      }
    }
  }

  private void count() throws SQLException {
    try (Connection c = settings.dataSource().getConnection()) {
      c.setAutoCommit(true);
      metrics.counted(table.counts(c, sagas.types(), settings.stuckAfter()));
    }
  }

  void close() {
    lock.lock();
    try {
      closed = true;
      stop.signalAll();
    } finally {
      lock.unlock();
    }
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
