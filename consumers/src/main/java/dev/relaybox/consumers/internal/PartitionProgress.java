package dev.relaybox.consumers.internal;

import java.util.Set;
import java.util.TreeSet;

/**
 * The offsets of one partition that are polled but not settled. Kafka commits may go up to the
 * lowest of them, or past everything polled when none is left: a crash then redelivers only
 * unsettled events, and the processed keys skip whatever of them was done. Settled means the fate
 * is durable in Postgres: applied, a duplicate, in the retry set or in the dead set.
 */
final class PartitionProgress {

  private final TreeSet<Long> unsettled = new TreeSet<>();

  /** Offsets found in the retry or dead set when the partition was assigned. */
  private final Set<Long> settledOnLoad;

  private long next = -1;
  private long committed = -1;

  PartitionProgress(Set<Long> settledOnLoad) {
    this.settledOnLoad = settledOnLoad;
  }

  /**
   * Records a polled offset; returns false if it is settled already (found in the sets when the
   * partition was assigned), so it must not run again.
   */
  boolean add(long offset) {
    next = Math.max(next, offset + 1);
    if (settledOnLoad.remove(offset)) {
      return false;
    }
    unsettled.add(offset);
    return true;
  }

  /** Marks an offset settled; false if it was not unsettled here. */
  boolean settle(long offset) {
    return unsettled.remove(offset);
  }

  int unsettledCount() {
    return unsettled.size();
  }

  /**
   * The offset to commit, or -1 when nothing new can be committed. {@code position} is the
   * consumer's fetch position (-1 if unknown): when everything polled is settled, the commit may go
   * up to it, past the transaction markers that follow the last record, so a caught-up group shows
   * a lag of 0 rather than 1 on the relay's transactional topics.
   */
  long committable(long position) {
    if (next < 0) {
      return -1;
    }
    long offset = unsettled.isEmpty() ? Math.max(next, position) : unsettled.first();
    return offset > committed ? offset : -1;
  }

  void committed(long offset) {
    committed = Math.max(committed, offset);
  }
}
