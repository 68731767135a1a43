package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.internal.KeyScheduler.ParkedKey;
import dev.relaybox.consumers.internal.Lane.Pending;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions this runner owns, from the poll thread's side: assignment with the parked keys
 * found in the database, intake of polled records into their lanes, revocation (drain, commit,
 * forget), the offsets that may be committed, and the reconciliation of parked keys with the
 * database. Shares its {@link LaneState} with the {@link KeyScheduler}.
 */
final class PartitionLanes {

  private final LaneState state;

  PartitionLanes(LaneState state) {
    this.state = state;
  }

  /** Starts tracking a newly assigned partition with its parked keys and settled offsets. */
  void assigned(TopicPartition tp, List<ParkedKey> parked, Set<Long> settledOffsets) {
    state.lock.lock();
    try {
      state.partitions.put(tp, new PartitionProgress(settledOffsets));
      state.revoking.remove(tp);
      long now = System.nanoTime();
      for (ParkedKey key : parked) {
        Lane lane =
            state.lanes.computeIfAbsent(
                new Lane.Id(tp, LaneState.wrap(key.key())), id -> new Lane(id, now));
        lane.parked = true;
        lane.floorOffset = key.floorOffset();
        lane.dueNanos =
            key.blocked() ? KeyScheduler.NO_DUE : now + LaneState.millis(key.waitMillis());
        state.enqueue(lane, now);
      }
    } finally {
      state.lock.unlock();
    }
  }

  /** Adds polled records to their lanes. */
  void intake(ConsumerRecords<byte[], byte[]> records) {
    state.lock.lock();
    try {
      long now = System.nanoTime();
      for (TopicPartition tp : records.partitions()) {
        PartitionProgress progress = state.partitions.get(tp);
        if (progress == null || state.revoking.contains(tp)) {
          continue; // not ours any more: the next owner reads them again
        }
        for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
          if (!progress.add(record.offset())) {
            continue;
          }
          Lane lane = state.lanes.computeIfAbsent(Lane.Id.of(record), id -> new Lane(id, now));
          if (lane.parked && record.offset() < lane.floorOffset) {
            progress.settle(record.offset()); // applied before its key parked
            continue;
          }
          state.unsettled++;
          lane.pending.add(new Pending(record, now));
          state.enqueue(lane, now);
        }
      }
    } finally {
      state.lock.unlock();
    }
  }

  /**
   * Applies a snapshot of the parked keys of the partitions in it, taken at {@code takenNanos}:
   * keys parked by someone else (an operator's redrive, an earlier owner) park here too; parked
   * lanes the snapshot lacks are checked against the database by their next job.
   */
  void reconcile(Map<TopicPartition, List<ParkedKey>> snapshot, long takenNanos) {
    state.lock.lock();
    try {
      long now = System.nanoTime();
      Set<Lane.Id> inDatabase = new HashSet<>();
      snapshot.forEach(
          (tp, keys) -> {
            if (!state.partitions.containsKey(tp) || state.revoking.contains(tp)) {
              return;
            }
            for (ParkedKey key : keys) {
              Lane.Id id = new Lane.Id(tp, LaneState.wrap(key.key()));
              inDatabase.add(id);
              Lane lane = state.lanes.computeIfAbsent(id, i -> new Lane(i, takenNanos));
              if (lane.busy || lane.changedNanos - takenNanos > 0) {
                continue;
              }
              long due =
                  key.blocked()
                      ? KeyScheduler.NO_DUE
                      : takenNanos + LaneState.millis(key.waitMillis());
              if (!lane.parked || due < lane.dueNanos) {
                lane.parked = true;
                lane.dueNanos = due;
              }
              state.enqueue(lane, now);
            }
          });
      for (Lane lane : state.lanes.values()) {
        if (lane.parked
            && !lane.busy
            && snapshot.containsKey(lane.tp())
            && !inDatabase.contains(lane.id)
            && takenNanos - lane.changedNanos > 0) {
          lane.check = true; // released by an operator, or never parked in the database
          state.enqueue(lane, now);
        }
      }
    } finally {
      state.lock.unlock();
    }
  }

  /** Stops dispatching the partitions' lanes; their running jobs go on. */
  void revoke(Collection<TopicPartition> tps) {
    state.lock.lock();
    try {
      state.revoking.addAll(tps);
      state.liveReady.removeIf(lane -> unqueue(lane, tps));
      state.parkedReady.removeIf(lane -> unqueue(lane, tps));
    } finally {
      state.lock.unlock();
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
    return state.awaitIdle(tps::contains, timeoutNanos);
  }

  /** Forgets the partitions: their lanes, unsettled events and timers. */
  void drop(Collection<TopicPartition> tps) {
    state.lock.lock();
    try {
      for (TopicPartition tp : tps) {
        PartitionProgress progress = state.partitions.remove(tp);
        if (progress != null) {
          state.unsettled -= progress.unsettledCount();
        }
        state.revoking.remove(tp);
      }
      state.lanes.values().removeIf(lane -> tps.contains(lane.tp()));
      state.timers.removeIf(t -> tps.contains(t.lane().tp()));
    } finally {
      state.lock.unlock();
    }
  }

  /**
   * The offsets that may be committed now for {@code tps} (all owned ones when null); {@code
   * position} gives the consumer's fetch position of a partition, or -1 when unknown.
   */
  Map<TopicPartition, Long> committable(
      Collection<TopicPartition> tps, ToLongFunction<TopicPartition> position) {
    state.lock.lock();
    try {
      Map<TopicPartition, Long> offsets = new HashMap<>();
      state.partitions.forEach(
          (tp, progress) -> {
            if (tps != null && !tps.contains(tp)) {
              return;
            }
            long offset = progress.committable(position.applyAsLong(tp));
            if (offset >= 0) {
              offsets.put(tp, offset);
            }
          });
      return offsets;
    } finally {
      state.lock.unlock();
    }
  }

  /** Records a successful commit. */
  void committed(Map<TopicPartition, Long> offsets) {
    state.lock.lock();
    try {
      offsets.forEach(
          (tp, offset) -> {
            PartitionProgress progress = state.partitions.get(tp);
            if (progress != null) {
              progress.committed(offset);
            }
          });
    } finally {
      state.lock.unlock();
    }
  }

  /** The partitions owned and not being revoked. */
  Set<TopicPartition> owned() {
    state.lock.lock();
    try {
      Set<TopicPartition> owned = new HashSet<>(state.partitions.keySet());
      owned.removeAll(state.revoking);
      return owned;
    } finally {
      state.lock.unlock();
    }
  }
}
