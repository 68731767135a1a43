package dev.relaybox.consumers.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The events of one key of one partition that are in memory, and whether the key is parked. Only
 * {@link KeyScheduler} reads or writes these fields, under its lock; a job owns the lane while
 * {@link #busy}, so one key never runs twice at once.
 */
final class Lane {

  /** A lane's identity: the partition and the raw key (an empty key for records without one). */
  record Id(TopicPartition tp, ByteBuffer key) {
    static Id of(ConsumerRecord<byte[], byte[]> record) {
      return new Id(
          new TopicPartition(record.topic(), record.partition()),
          ByteBuffer.wrap(RecordCodec.key(record.key())));
    }
  }

  /** A polled record and when it arrived, for the per-key wait. */
  record Pending(ConsumerRecord<byte[], byte[]> record, long arrivedNanos) {
    long offset() {
      return record.offset();
    }
  }

  final Id id;

  /** Records to run live, or, while {@link #parked}, to append to the retry set. */
  final ArrayDeque<Pending> pending = new ArrayDeque<>();

  /** The key has rows in the retry set or waits behind a dead event. */
  boolean parked;

  /** A job owns the lane. */
  boolean busy;

  /** In one of the scheduler's ready queues. */
  boolean queued;

  /** While parked: when the head is due ({@link KeyScheduler#NO_DUE}: blocked or unknown). */
  long dueNanos = KeyScheduler.NO_DUE;

  /** While parked: the database may have changed behind the runner's back (an operator). */
  boolean check;

  /** Offsets below this were applied before the key parked (redeliveries settle at once). */
  long floorOffset = -1;

  /** When a job last finished with the lane, to tell a stale database snapshot from news. */
  long changedNanos;

  Lane(Id id, long nowNanos) {
    this.id = id;
    this.changedNanos = nowNanos;
  }

  TopicPartition tp() {
    return id.tp();
  }

  byte[] key() {
    return id.key().array();
  }

  boolean idle() {
    return !parked && !busy && !queued && pending.isEmpty();
  }
}
