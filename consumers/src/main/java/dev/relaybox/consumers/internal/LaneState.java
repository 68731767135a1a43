package dev.relaybox.consumers.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * What {@link KeyScheduler} (which key runs next) and {@link PartitionLanes} (which partitions are
 * ours, and how far they are settled) share: the lanes, the owned partitions, the ready queues and
 * the retry timers. Every field is read and written under {@link #lock}, held for microseconds,
 * never while a handler or the database works.
 */
final class LaneState {

  /** A parked lane's retry time, in {@link System#nanoTime} terms. */
  record Timer(Lane lane, long dueNanos) {}

  final ReentrantLock lock = new ReentrantLock();

  /** Signalled when a lane becomes ready or a timer is set: wakes a worker. */
  final Condition work = lock.newCondition();

  /** Signalled when a job ends: wakes whoever drains partitions. */
  final Condition jobDone = lock.newCondition();

  final Map<Lane.Id, Lane> lanes = new HashMap<>();
  final Map<TopicPartition, PartitionProgress> partitions = new HashMap<>();
  final Set<TopicPartition> revoking = new HashSet<>();

  /** Lanes held by running jobs, per partition. */
  final Map<TopicPartition, Integer> running = new HashMap<>();

  final ArrayDeque<Lane> liveReady = new ArrayDeque<>();
  final ArrayDeque<Lane> parkedReady = new ArrayDeque<>();
  final PriorityQueue<Timer> timers =
      new PriorityQueue<>(Comparator.comparingLong(Timer::dueNanos));

  /** Polled events not settled yet. */
  int unsettled;

  /** Events that running jobs hold. */
  int inFlight;

  /** Puts parked lanes whose retry is due now where workers find them; under the lock. */
  void fireTimers(long now) {
    Timer t;
    while ((t = timers.peek()) != null && t.dueNanos() - now <= 0) {
      timers.poll();
      Lane lane = t.lane();
      if (lane.parked && lane.dueNanos == t.dueNanos() && partitions.containsKey(lane.tp())) {
        enqueue(lane, now);
      }
    }
  }

  /** Puts the lane where its work will be found: a ready queue, a timer, or nowhere. */
  void enqueue(Lane lane, long now) {
    if (lane.busy || lane.queued || revoking.contains(lane.tp())) {
      return;
    }
    if (lane.parked) {
      boolean due = lane.dueNanos != KeyScheduler.NO_DUE && lane.dueNanos - now <= 0;
      if (!lane.pending.isEmpty() || lane.check || due) {
        parkedReady.add(lane);
        lane.queued = true;
        work.signal();
      } else if (lane.dueNanos != KeyScheduler.NO_DUE) {
        timers.add(new Timer(lane, lane.dueNanos));
        work.signal(); // a waiting worker recomputes how long to sleep
      }
    } else if (!lane.pending.isEmpty()) {
      liveReady.add(lane);
      lane.queued = true;
      work.signal();
    } else if (lane.idle()) {
      lanes.remove(lane.id);
    }
  }

  static ByteBuffer wrap(byte[] key) {
    return ByteBuffer.wrap(key);
  }

  static long millis(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  /**
   * Waits until no job runs on a partition {@code which} accepts, up to {@code timeoutNanos}; false
   * on timeout. Takes the lock itself.
   */
  boolean awaitIdle(Predicate<TopicPartition> which, long timeoutNanos)
      throws InterruptedException {
    lock.lock();
    try {
      long deadline = System.nanoTime() + timeoutNanos;
      while (running.entrySet().stream()
          .anyMatch(e -> e.getValue() > 0 && which.test(e.getKey()))) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        jobDone.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}
