package dev.relaybox.consumers;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.header.Header;

/**
 * One event of a group's dead set: the record as it was consumed, why it died, and what an operator
 * did about it. Byte arrays are the stored ones; do not modify them.
 *
 * @param id the dead-set id, what {@link DeadSet#redrive} and {@link DeadSet#discard} take
 * @param eventId the {@code id} header, null if the record had none (reason undecodable)
 * @param key the raw record key; empty for a record without key
 * @param value the raw record value; null for a tombstone
 * @param headers every original header, in order
 * @param reason {@link DeadLetterHeaders#REASON_UNDECODABLE}, {@link
 *     DeadLetterHeaders#REASON_PERMANENT} or {@link DeadLetterHeaders#REASON_RETRIES_EXHAUSTED}
 * @param blocksKey whether the key's later events wait behind it ({@link DeadKeyPolicy#PARK_KEY})
 *     while it is {@link State#DEAD}
 * @param dlqPublishedAt when the copy on the dead-letter topic was acknowledged; null until then
 * @param resolvedBy who redrove or discarded it; null while {@link State#DEAD}
 */
public record DeadEvent(
    long id,
    String group,
    String topic,
    int partition,
    long offset,
    UUID eventId,
    byte[] key,
    byte[] value,
    List<Header> headers,
    long timestampMillis,
    String reason,
    boolean blocksKey,
    int attempts,
    String errorClass,
    String errorMessage,
    Instant firstFailure,
    Instant diedAt,
    Instant dlqPublishedAt,
    State state,
    String resolvedBy,
    Instant resolvedAt) {

  /** Where a dead event stands. */
  public enum State {
    /** Waiting for an operator. */
    DEAD,
    /** Put back at the head of its key; the retry set has it now. */
    REDRIVEN,
    /** Given up on by an operator; its key went on. */
    DISCARDED
  }

  public DeadEvent {
    headers = List.copyOf(headers);
  }
}
