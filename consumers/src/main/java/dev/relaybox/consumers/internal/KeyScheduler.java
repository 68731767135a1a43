package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.internal.Lane.Pending;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;

/**
 * Which key runs next. Polled records join the lane of their key; a lane with events and no job is
 * ready. Workers {@link #take} either a {@link Chunk} of ready live lanes (run in one transaction)
 * or one parked lane whose retry is due or whose new events must be appended to the retry set. A
 * lane belongs to one job at a time, so a key never runs twice at once and its events run in offset
 * order.
 *
 * <p>Its state is the {@link LaneState} it shares with {@link PartitionLanes}, under one lock held
 * for microseconds, never while a handler or the database works.
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

  private final LaneState state;
  private final int maxChunk;
  private final RunnerMetrics metrics;
  private long pausedUntilNanos;
  private double eventNanos = TimeUnit.MILLISECONDS.toNanos(10);
  private boolean closing;

  KeyScheduler(LaneState state, int maxChunk, RunnerMetrics metrics) {
    this.state = state;
    this.maxChunk = maxChunk;
    this.metrics = metrics;
  }

  /**
   * The next job, waiting for one; null once {@link #close()}d. Due parked keys go first, then a
   * chunk of live lanes sized to the handler's speed.
   */
  Job take() throws InterruptedException {
    state.lock.lock();
    try {
      Job job;
      while ((job = poll()) == null && !closing) {
        await();
      }
      return job;
    } finally {
      state.lock.unlock();
    }
  }

  /**
   * Waits until a job is there to take (without taking it); false once {@link #close()}d. Lets a
   * worker get its database connection first and only then {@link #poll} a chunk, so chunks are
   * formed by workers that can run them, as large as the handler's speed allows.
   */
  boolean awaitReady() throws InterruptedException {
    state.lock.lock();
    try {
      while (!closing) {
        long now = System.nanoTime();
        state.fireTimers(now);
        if (now - pausedUntilNanos >= 0
            && (!state.parkedReady.isEmpty() || !state.liveReady.isEmpty())) {
          return true;
        }
        await();
      }
      return false;
    } finally {
      state.lock.unlock();
    }
  }

  /** The next job if there is one now, else null; none while backing off or closed. */
  Job poll() {
    state.lock.lock();
    try {
      long now = System.nanoTime();
      state.fireTimers(now);
      if (closing || now - pausedUntilNanos < 0) {
        return null;
      }
      Job job = parkedJob();
      return job != null ? job : chunk();
    } finally {
      state.lock.unlock();
    }
  }

  /** Waits for a signal, a timer, the end of a backoff, or a second at most; under the lock. */
  private void await() throws InterruptedException {
    long now = System.nanoTime();
    long wait = MAX_WAIT_NANOS;
    if (now - pausedUntilNanos < 0) {
      wait = pausedUntilNanos - now;
    }
    LaneState.Timer next = state.timers.peek();
    if (next != null) {
      wait = Math.min(wait, Math.max(1, next.dueNanos() - now));
    }
    state.work.awaitNanos(wait);
  }

  private Job parkedJob() {
    Lane lane;
    while ((lane = state.parkedReady.poll()) != null) {
      lane.queued = false;
      if (!lane.busy && lane.parked && !state.revoking.contains(lane.tp())) {
        start(lane, 1);
        lane.check = false;
        return new ParkedWork(lane);
      }
      state.enqueue(lane, System.nanoTime()); // unparked meanwhile: it belongs elsewhere now
    }
    return null;
  }

  private Chunk chunk() {
    int budget = Math.max(1, Math.min(maxChunk, (int) (CHUNK_TARGET_NANOS / eventNanos)));
    List<Slice> slices = new ArrayList<>();
    long now = System.nanoTime();
    Lane lane;
    while (budget > 0 && (lane = state.liveReady.poll()) != null) {
      lane.queued = false;
      if (lane.busy
          || lane.parked
          || lane.pending.isEmpty()
          || state.revoking.contains(lane.tp())) {
        state.enqueue(lane, now); // parked meanwhile: it belongs elsewhere now
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
    state.running.merge(lane.tp(), 1, Integer::sum);
    state.inFlight += events;
  }

  /** Takes the lane's pending events, e.g. to park them with the event that failed. */
  List<Pending> takePending(Lane lane) {
    state.lock.lock();
    try {
      List<Pending> taken = new ArrayList<>(lane.pending);
      lane.pending.clear();
      return taken;
    } finally {
      state.lock.unlock();
    }
  }

  /** Settles events: their fate is in Postgres, so Kafka offsets may pass them. */
  void settle(Collection<Pending> events) {
    if (events.isEmpty()) {
      return;
    }
    state.lock.lock();
    try {
      for (Pending p : events) {
        TopicPartition tp = new TopicPartition(p.record().topic(), p.record().partition());
        PartitionProgress progress = state.partitions.get(tp);
        if (progress != null && progress.settle(p.offset())) {
          state.unsettled--;
        }
      }
    } finally {
      state.lock.unlock();
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
    state.lock.lock();
    try {
      for (int i = putBack.size() - 1; i >= 0; i--) {
        lane.pending.addFirst(putBack.get(i));
      }
      lane.parked = fate == Fate.PARKED;
      lane.dueNanos = lane.parked ? dueNanos : NO_DUE;
      lane.busy = false;
      long now = System.nanoTime();
      lane.changedNanos = now;
      state.inFlight -= events;
      state.running.merge(lane.tp(), -1, Integer::sum);
      // A lane of a partition dropped meanwhile is stale: the events are the next owner's now.
      if (state.lanes.get(lane.id) == lane && state.partitions.containsKey(lane.tp())) {
        state.enqueue(lane, now);
      }
      state.jobDone.signalAll();
    } finally {
      state.lock.unlock();
    }
  }

  /** Stops dispatching for {@code nanos}: the database or the registry failed. */
  void backOff(long nanos) {
    state.lock.lock();
    try {
      long until = System.nanoTime() + nanos;
      if (until - pausedUntilNanos > 0) {
        pausedUntilNanos = until;
      }
    } finally {
      state.lock.unlock();
    }
  }

  /** Feeds the chunk sizing with how long the handler took per event. */
  void handlerTook(long nanosPerEvent) {
    state.lock.lock();
    try {
      eventNanos = 0.7 * eventNanos + 0.3 * Math.max(1_000, nanosPerEvent);
    } finally {
      state.lock.unlock();
    }
  }

  /** Polled events not yet settled. */
  int unsettled() {
    state.lock.lock();
    try {
      return state.unsettled;
    } finally {
      state.lock.unlock();
    }
  }

  /** Events that jobs are handling now. */
  int inFlight() {
    state.lock.lock();
    try {
      return state.inFlight;
    } finally {
      state.lock.unlock();
    }
  }

  boolean closing() {
    state.lock.lock();
    try {
      return closing;
    } finally {
      state.lock.unlock();
    }
  }

  /** Hands out no more jobs; {@link #take} returns null. */
  void close() {
    state.lock.lock();
    try {
      closing = true;
      state.work.signalAll();
    } finally {
      state.lock.unlock();
    }
  }

  /** Waits until no job runs at all, up to {@code timeoutNanos}; false on timeout. */
  boolean awaitIdle(long timeoutNanos) throws InterruptedException {
    return state.awaitIdle(tp -> true, timeoutNanos);
  }
}
