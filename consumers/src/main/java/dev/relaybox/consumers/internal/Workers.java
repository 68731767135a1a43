package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.internal.KeyScheduler.Chunk;
import dev.relaybox.consumers.internal.KeyScheduler.Job;
import dev.relaybox.consumers.internal.KeyScheduler.ParkedWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code maxInFlight} threads ({@code relaybox-worker-<group>-<n>}) that take jobs from the {@link
 * KeyScheduler} until it closes: at most that many events are handled at once. A job never holds
 * two pooled connections at a time, so a small pool slows the workers down but never deadlocks
 * them.
 */
final class Workers {

  private static final Logger log = LoggerFactory.getLogger(Workers.class);

  private final KeyScheduler scheduler;
  private final ChunkProcessor chunks;
  private final ParkedKeyJob parked;
  private final List<Thread> threads = new ArrayList<>();
  private final DataSource dataSource;
  private final Outage outage;

  /**
   * @param dataSource for runners whose handler runs in the chunk's transaction ({@code
   *     EventHandler}): each worker gets its connection before it takes a chunk; null otherwise
   */
  Workers(
      String group,
      int count,
      KeyScheduler scheduler,
      ChunkProcessor chunks,
      ParkedKeyJob parked,
      DataSource dataSource,
      Outage outage) {
    this.scheduler = scheduler;
    this.dataSource = dataSource;
    this.outage = outage;
    this.chunks = chunks;
    this.parked = parked;
    for (int i = 1; i <= count; i++) {
      Thread t = new Thread(this::work, "relaybox-worker-" + group + "-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
  }

  void start() {
    threads.forEach(Thread::start);
  }

  private void work() {
    try {
      while (true) {
        Connection connection = null;
        Job job;
        if (dataSource == null) {
          if ((job = scheduler.take()) == null) {
            return;
          }
        } else {
          // The handler runs in our transaction: hold the connection before forming the chunk,
          // so that workers waiting for the pool hold no events.
          if (!scheduler.awaitReady()) {
            return;
          }
          try {
            connection = dataSource.getConnection();
          } catch (SQLException e) {
            outage.failed("getting a database connection", e);
            continue;
          }
          job = scheduler.poll();
          if (job == null || job instanceof ParkedWork) {
            close(connection);
            connection = null;
            if (job == null) {
              continue;
            }
          }
        }
        run(job, connection);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run(Job job, Connection connection) {
    try {
      if (job instanceof Chunk chunk) {
        chunks.run(chunk, connection);
      } else {
        parked.run(((ParkedWork) job).lane());
      }
    } catch (RuntimeException e) {
      // A bug: the job's lanes stay held, so their keys stop here rather than run out of order.
      log.error("job failed unexpectedly, its keys stay held until restart job={}", job, e);
    }
  }

  private static void close(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      // returned to the pool broken: the pool discards it
    }
  }

  /** Waits for the threads to end after the scheduler closed, up to {@code millis} in all. */
  void join(long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    for (Thread t : threads) {
      t.join(Math.max(1, deadline - System.currentTimeMillis()));
    }
  }
}
