package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.internal.KeyScheduler.Chunk;
import dev.relaybox.consumers.internal.KeyScheduler.Job;
import dev.relaybox.consumers.internal.KeyScheduler.ParkedWork;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code maxInFlight} threads ({@code relaybox-worker-<group>-<n>}) that take jobs from the {@link
 * KeyScheduler} until it closes: at most that many events are handled at once.
 */
final class Workers {

  private static final Logger log = LoggerFactory.getLogger(Workers.class);

  private final KeyScheduler scheduler;
  private final ChunkProcessor chunks;
  private final ParkedKeyJob parked;
  private final List<Thread> threads = new ArrayList<>();

  Workers(
      String group, int count, KeyScheduler scheduler, ChunkProcessor chunks, ParkedKeyJob parked) {
    this.scheduler = scheduler;
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
      Job job;
      while ((job = scheduler.take()) != null) {
        try {
          if (job instanceof Chunk chunk) {
            chunks.run(chunk);
          } else {
            parked.run(((ParkedWork) job).lane());
          }
        } catch (RuntimeException e) {
          // A bug: the job's lanes stay held, so their keys stop here rather than run out of order.
          log.error("job failed unexpectedly, its keys stay held until restart job={}", job, e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
