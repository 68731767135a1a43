package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.internal.Lane.Pending;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Which key runs next. Polled records join the lane of their key; a lane with events and no job is
 * ready. Workers {@link #take} either a {@link Chunk} of ready live lanes (run in one transaction)
 * or one parked lane whose retry is due or whose new events must be appended to the retry set. A
 * lane belongs to one job at a time, so a key never runs twice at once and its events run in offset
 * order.
 *
 * <p>One lock guards everything here; it is held for microseconds, never while a handler or the
 * database works.
 */
final class KeyScheduler {

  /** {@link Lane#dueNanos} of a parked lane with no retry time: it waits for news. */
  static final long NO_DUE = Long.MAX_VALUE;

  /** A chunk aims at this much handler time: fast handlers share a transaction, slow ones not. */
  private static final long CHUNK_TARGET_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

  private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Work for one worker. */
  sealed interface Job permits Chunk, ParkedWork {}

  /** Ready live lanes, each with the events taken from it (a prefix of its pending events). */
  record Chunk(List<Slice> slices) implements Job {
    int events() {
      return slices.stream().mapToInt(s -> s.events().size()).sum();
    }
  }

  /** A lane's events taken for a chunk, in offset order. */
  record Slice(Lane lane, List<Pending> events) {}

  /** A parked lane to bring up to date with the retry set, and retry if its head is due. */
  record ParkedWork(Lane lane) implements Job {}

  /** A parked key as the retry and dead sets describe it. */
  record ParkedKey(byte[] key, long floorOffset, long waitMillis, boolean blocked) {}

  private record Timer(Lane lane, long dueNanos) {}

  private final ReentrantLock lock = new ReentrantLock();

  /** Signalled when a lane becomes ready or a timer is set: wakes a worker. */
  private final Condition work = lock.newCondition();

  /** Signalled when a job ends: wakes whoever drains partitions. */
  private final Condition jobDone = lock.newCondition();

  private final Map<Lane.Id, Lane> lanes = new HashMap<>();
  private final Map<TopicPartition, PartitionProgress> partitions = new HashMap<>();
  private final Set<TopicPartition> revoking = new HashSet<>();
  private final Map<TopicPartition, Integer> running = new HashMap<>();
  private final ArrayDeque<Lane> liveReady = new ArrayDeque<>();
  private final ArrayDeque<Lane> parkedReady = new ArrayDeque<>();
  private final PriorityQueue<Timer> timers =
      new PriorityQueue<>(Comparator.comparingLong(Timer::dueNanos));
  private final int maxChunk;
  private final RunnerMetrics metrics;
  private int unsettled;
  private int inFlight;
  private long pausedUntilNanos;
  private double eventNanos = TimeUnit.MILLISECONDS.toNanos(10);
  private boolean closing;

  KeyScheduler(int maxChunk, RunnerMetrics metrics) {
    this.maxChunk = maxChunk;
    this.metrics = metrics;
  }

  /** Starts tracking a newly assigned partition with its parked keys and settled offsets. */
  void assigned(TopicPartition tp, List<ParkedKey> parked, Set<Long> settledOffsets) {
    lock.lock();
    try {
      partitions.put(tp, new PartitionProgress(settledOffsets));
      revoking.remove(tp);
      long now = System.nanoTime();
      for (ParkedKey key : parked) {
        Lane lane =
            lanes.computeIfAbsent(new Lane.Id(tp, wrap(key.key())), id -> new Lane(id, now));
        lane.parked = true;
        lane.floorOffset = key.floorOffset();
        lane.dueNanos = key.blocked() ? NO_DUE : now + millis(key.waitMillis());
        enqueue(lane, now);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Adds polled records to their lanes. */
  void intake(ConsumerRecords<byte[], byte[]> records) {
    lock.lock();
    try {
      long now = System.nanoTime();
      for (TopicPartition tp : records.partitions()) {
        PartitionProgress progress = partitions.get(tp);
        if (progress == null || revoking.contains(tp)) {
          continue; // not ours any more: the next owner reads them again
        }
        for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
          if (!progress.add(record.offset())) {
            continue;
          }
          Lane lane = lanes.computeIfAbsent(Lane.Id.of(record), id -> new Lane(id, now));
          if (lane.parked && record.offset() < lane.floorOffset) {
            progress.settle(record.offset()); // applied before its key parked
            continue;
          }
          unsettled++;
          lane.pending.add(new Pending(record, now));
          enqueue(lane, now);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next job, waiting for one; null once {@link #close()}d. Due parked keys go first, then a
   * chunk of live lanes sized to the handler's speed.
   */
  Job take() throws InterruptedException {
    lock.lock();
    try {
      Job job;
      while ((job = poll()) == null && !closing) {
        await();
      }
      return job;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until a job is there to take (without taking it); false once {@link #close()}d. Lets a
   * worker get its database connection first and only then {@link #poll} a chunk, so chunks are
   * formed by workers that can run them, as large as the handler's speed allows.
   */
  boolean awaitReady() throws InterruptedException {
    lock.lock();
    try {
      while (!closing) {
        long now = System.nanoTime();
        fireTimers(now);
        if (now - pausedUntilNanos >= 0 && (!parkedReady.isEmpty() || !liveReady.isEmpty())) {
          return true;
        }
        await();
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** The next job if there is one now, else null; none while backing off or closed. */
  Job poll() {
    lock.lock();
    try {
      long now = System.nanoTime();
      fireTimers(now);
      if (closing || now - pausedUntilNanos < 0) {
        return null;
      }
      Job job = parkedJob();
      return job != null ? job : chunk();
    } finally {
      lock.unlock();
    }
  }

  /** Waits for a signal, a timer, the end of a backoff, or a second at most; under the lock. */
  private void await() throws InterruptedException {
    long now = System.nanoTime();
    long wait = MAX_WAIT_NANOS;
    if (now - pausedUntilNanos < 0) {
      wait = pausedUntilNanos - now;
    }
    Timer next = timers.peek();
    if (next != null) {
      wait = Math.min(wait, Math.max(1, next.dueNanos() - now));
    }
    work.awaitNanos(wait);
  }

  private Job parkedJob() {
    Lane lane;
    while ((lane = parkedReady.poll()) != null) {
      lane.queued = false;
      if (!lane.busy && lane.parked && !revoking.contains(lane.tp())) {
        start(lane, 1);
        lane.check = false;
        return new ParkedWork(lane);
      }
      enqueue(lane, System.nanoTime()); // unparked meanwhile: it belongs elsewhere now
    }
    return null;
  }

  private Chunk chunk() {
    int budget = Math.max(1, Math.min(maxChunk, (int) (CHUNK_TARGET_NANOS / eventNanos)));
    List<Slice> slices = new ArrayList<>();
    long now = System.nanoTime();
    Lane lane;
    while (budget > 0 && (lane = liveReady.poll()) != null) {
      lane.queued = false;
      if (lane.busy || lane.parked || lane.pending.isEmpty() || revoking.contains(lane.tp())) {
        enqueue(lane, now); // parked meanwhile: it belongs elsewhere now
        continue;
      }
      List<Pending> events = new ArrayList<>(Math.min(budget, lane.pending.size()));
      while (budget > 0 && !lane.pending.isEmpty()) {
        Pending p = lane.pending.poll();
        metrics.keyWait(lane.tp().topic(), now - p.arrivedNanos());
        events.add(p);
        budget--;
      }
      start(lane, events.size());
      slices.add(new Slice(lane, events));
    }
    return slices.isEmpty() ? null : new Chunk(slices);
  }

  private void start(Lane lane, int events) {
    lane.busy = true;
    running.merge(lane.tp(), 1, Integer::sum);
    inFlight += events;
  }

  /** Takes the lane's pending events, e.g. to park them with the event that failed. */
  List<Pending> takePending(Lane lane) {
    lock.lock();
    try {
      List<Pending> taken = new ArrayList<>(lane.pending);
      lane.pending.clear();
      return taken;
    } finally {
      lock.unlock();
    }
  }

  /** Settles events: their fate is in Postgres, so Kafka offsets may pass them. */
  void settle(Collection<Pending> events) {
    if (events.isEmpty()) {
      return;
    }
    lock.lock();
    try {
      for (Pending p : events) {
        TopicPartition tp = new TopicPartition(p.record().topic(), p.record().partition());
        PartitionProgress progress = partitions.get(tp);
        if (progress != null && progress.settle(p.offset())) {
          unsettled--;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** What a job leaves a lane as. */
  enum Fate {
    /** The key runs live. */
    LIVE,
    /** The key is parked; {@code dueNanos} says when its head is due ({@link #NO_DUE}: never). */
    PARKED
  }

  /**
   * Ends a job's hold on a lane: {@code putBack} events (taken earlier, not settled) go back in
   * front of its pending ones, and the lane becomes ready again if there is work.
   */
  void finish(Lane lane, int events, List<Pending> putBack, Fate fate, long dueNanos) {
    lock.lock();
    try {
      for (int i = putBack.size() - 1; i >= 0; i--) {
        lane.pending.addFirst(putBack.get(i));
      }
      lane.parked = fate == Fate.PARKED;
      lane.dueNanos = lane.parked ? dueNanos : NO_DUE;
      lane.busy = false;
      long now = System.nanoTime();
      lane.changedNanos = now;
      inFlight -= events;
      running.merge(lane.tp(), -1, Integer::sum);
      // A lane of a partition dropped meanwhile is stale: the events are the next owner's now.
      if (lanes.get(lane.id) == lane && partitions.containsKey(lane.tp())) {
        enqueue(lane, now);
      }
      jobDone.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Stops dispatching for {@code nanos}: the database or the registry failed. */
  void backOff(long nanos) {
    lock.lock();
    try {
      long until = System.nanoTime() + nanos;
      if (until - pausedUntilNanos > 0) {
        pausedUntilNanos = until;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Feeds the chunk sizing with how long the handler took per event. */
  void handlerTook(long nanosPerEvent) {
    lock.lock();
    try {
      eventNanos = 0.7 * eventNanos + 0.3 * Math.max(1_000, nanosPerEvent);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Applies a snapshot of the parked keys of the partitions in it, taken at {@code takenNanos}:
   * keys parked by someone else (an operator's redrive, an earlier owner) park here too; parked
   * lanes the snapshot lacks are checked against the database by their next job.
   */
  void reconcile(Map<TopicPartition, List<ParkedKey>> snapshot, long takenNanos) {
    lock.lock();
    try {
      long now = System.nanoTime();
      Set<Lane.Id> inDatabase = new HashSet<>();
      snapshot.forEach(
          (tp, keys) -> {
            if (!partitions.containsKey(tp) || revoking.contains(tp)) {
              return;
            }
            for (ParkedKey key : keys) {
              Lane.Id id = new Lane.Id(tp, wrap(key.key()));
              inDatabase.add(id);
              Lane lane = lanes.computeIfAbsent(id, i -> new Lane(i, takenNanos));
              if (lane.busy || lane.changedNanos - takenNanos > 0) {
                continue;
              }
              long due = key.blocked() ? NO_DUE : takenNanos + millis(key.waitMillis());
              if (!lane.parked || due < lane.dueNanos) {
                lane.parked = true;
                lane.dueNanos = due;
              }
              enqueue(lane, now);
            }
          });
      for (Lane lane : lanes.values()) {
        if (lane.parked
            && !lane.busy
            && snapshot.containsKey(lane.tp())
            && !inDatabase.contains(lane.id)
            && takenNanos - lane.changedNanos > 0) {
          lane.check = true; // released by an operator, or never parked in the database
          enqueue(lane, now);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Stops dispatching the partitions' lanes; their running jobs go on. */
  void revoke(Collection<TopicPartition> tps) {
    lock.lock();
    try {
      revoking.addAll(tps);
      liveReady.removeIf(lane -> unqueue(lane, tps));
      parkedReady.removeIf(lane -> unqueue(lane, tps));
    } finally {
      lock.unlock();
    }
  }

  private static boolean unqueue(Lane lane, Collection<TopicPartition> tps) {
    if (tps.contains(lane.tp())) {
      lane.queued = false;
      return true;
    }
    return false;
  }

  /** Waits until no job runs on the partitions, up to {@code timeoutNanos}; false on timeout. */
  boolean awaitIdle(Collection<TopicPartition> tps, long timeoutNanos) throws InterruptedException {
    lock.lock();
    try {
      long deadline = System.nanoTime() + timeoutNanos;
      while (tps.stream().anyMatch(tp -> running.getOrDefault(tp, 0) > 0)) {
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

  /** Forgets the partitions: their lanes, unsettled events and timers. */
  void drop(Collection<TopicPartition> tps) {
    lock.lock();
    try {
      for (TopicPartition tp : tps) {
        PartitionProgress progress = partitions.remove(tp);
        if (progress != null) {
          unsettled -= progress.unsettledCount();
        }
        revoking.remove(tp);
      }
      lanes.values().removeIf(lane -> tps.contains(lane.tp()));
      timers.removeIf(t -> tps.contains(t.lane().tp()));
    } finally {
      lock.unlock();
    }
  }

  /** The offsets that may be committed now for {@code tps} (all owned ones when null). */
  Map<TopicPartition, Long> committable(Collection<TopicPartition> tps) {
    lock.lock();
    try {
      Map<TopicPartition, Long> offsets = new HashMap<>();
      partitions.forEach(
          (tp, progress) -> {
            long offset = progress.committable();
            if (offset >= 0 && (tps == null || tps.contains(tp))) {
              offsets.put(tp, offset);
            }
          });
      return offsets;
    } finally {
      lock.unlock();
    }
  }

  /** Records a successful commit. */
  void committed(Map<TopicPartition, Long> offsets) {
    lock.lock();
    try {
      offsets.forEach(
          (tp, offset) -> {
            PartitionProgress progress = partitions.get(tp);
            if (progress != null) {
              progress.committed(offset);
            }
          });
    } finally {
      lock.unlock();
    }
  }

  /** The partitions owned and not being revoked. */
  Set<TopicPartition> owned() {
    lock.lock();
    try {
      Set<TopicPartition> owned = new HashSet<>(partitions.keySet());
      owned.removeAll(revoking);
      return owned;
    } finally {
      lock.unlock();
    }
  }

  /** Polled events not yet settled. */
  int unsettled() {
    lock.lock();
    try {
      return unsettled;
    } finally {
      lock.unlock();
    }
  }

  /** Events that jobs are handling now. */
  int inFlight() {
    lock.lock();
    try {
      return inFlight;
    } finally {
      lock.unlock();
    }
  }

  boolean closing() {
    lock.lock();
    try {
      return closing;
    } finally {
      lock.unlock();
    }
  }

  /** Hands out no more jobs; {@link #take} returns null. */
  void close() {
    lock.lock();
    try {
      closing = true;
      work.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until no job runs at all, up to {@code timeoutNanos}; false on timeout. */
  boolean awaitIdle(long timeoutNanos) throws InterruptedException {
    lock.lock();
    try {
      long deadline = System.nanoTime() + timeoutNanos;
      while (running.values().stream().anyMatch(n -> n > 0)) {
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

  private void fireTimers(long now) {
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
  private void enqueue(Lane lane, long now) {
    if (lane.busy || lane.queued || revoking.contains(lane.tp())) {
      return;
    }
    if (lane.parked) {
      boolean due = lane.dueNanos != NO_DUE && lane.dueNanos - now <= 0;
      if (!lane.pending.isEmpty() || lane.check || due) {
        parkedReady.add(lane);
        lane.queued = true;
        work.signal();
      } else if (lane.dueNanos != NO_DUE) {
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

  private static java.nio.ByteBuffer wrap(byte[] key) {
    return java.nio.ByteBuffer.wrap(key);
  }

  private static long millis(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }
}
