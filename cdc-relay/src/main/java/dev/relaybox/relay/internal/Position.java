package dev.relaybox.relay.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the relay stands in the change stream: what it commits, with the batch's events, to its
 * offsets topic. Immutable.
 *
 * <p>Inside a source transaction T ({@link Kind#IN_TX}) the exact position is the last relayed
 * change {@code (txId, lsn, n)}, {@code n} counting the changes of T at that LSN (a COPY writes
 * several rows at one LSN); Debezium is told to resume from T's first change with {@code
 * messageType=BEGIN}, which makes it deliver T again from (about) its start, and the {@link
 * StreamCursor} drops what was relayed already. On a boundary ({@link Kind#BOUNDARY}: a COMMIT, or
 * a non-transactional logical message) Debezium resumes from that LSN, typed {@code MESSAGE}, so it
 * delivers everything after it. {@link Kind#LEGACY} is an offset written without the relay's fields
 * (by the at-least-once relay): resumed from as is, nothing to drop.
 *
 * @param resumeOffset the Debezium offset to resume from (keys {@code lsn}, {@code lsn_proc},
 *     {@code lsn_commit}, {@code txId}, {@code ts_usec}, {@code messageType}, ...)
 * @param lsnCommit IN_TX: {@code lsn_commit} of T's changes (the boundary before T), may be null
 *     right after a new slot; BOUNDARY: the boundary's LSN
 * @param ackLsn how far the slot may be confirmed: what Debezium flushes for the resume offset
 *     ({@code lsn_commit}, else {@code lsn_proc}); Debezium's Postgres task confirms the slot from
 *     the stored offset
 * @param relayedThroughMs wall time of the last relayed heartbeat message: every transaction that
 *     committed before it is relayed (null until one was relayed)
 */
record Position(
    Kind kind,
    Map<String, Object> resumeOffset,
    Long txId,
    long lsn,
    int n,
    Long lsnCommit,
    long ackLsn,
    String lastEventId,
    Long lastCommitTsUsec,
    Long relayedThroughMs) {

  /** What a position is. */
  enum Kind {
    IN_TX,
    BOUNDARY,
    LEGACY
  }

  static final String LSN = "lsn";
  static final String LSN_PROC = "lsn_proc";
  static final String LSN_COMMIT = "lsn_commit";
  static final String TX_ID = "txId";
  static final String TS_USEC = "ts_usec";
  static final String MESSAGE_TYPE = "messageType";

  Position {
    // Map.copyOf returns an immutable map as is: the positions of one transaction share it.
    if (resumeOffset.values().stream().anyMatch(Objects::isNull)) {
      Map<String, Object> present = new LinkedHashMap<>(resumeOffset);
      present.values().removeIf(Objects::isNull);
      resumeOffset = present;
    }
    resumeOffset = Map.copyOf(resumeOffset);
  }

  /** The position after relaying data change {@code offset} of a transaction first seen now. */
  static Position firstInTx(Map<String, ?> offset, String eventId) {
    Map<String, Object> resume = new LinkedHashMap<>(offset);
    resume.put(MESSAGE_TYPE, "BEGIN");
    return new Position(
        Kind.IN_TX,
        resume,
        longValue(offset, TX_ID),
        longValue(offset, LSN),
        0,
        longValue(offset, LSN_COMMIT),
        ack(offset),
        eventId,
        longValue(offset, TS_USEC),
        null);
  }

  /** This position with the heartbeat watermark of {@code previous}. */
  Position withWatermarkOf(Position previous) {
    return new Position(
        kind,
        resumeOffset,
        txId,
        lsn,
        n,
        lsnCommit,
        ackLsn,
        lastEventId,
        lastCommitTsUsec,
        previous.relayedThroughMs());
  }

  /** The first position of a relay, at boundary {@code offset}. */
  static Position boundary(Map<String, ?> offset, Long heartbeatMs) {
    return new Position(Kind.BOUNDARY, Map.of(), null, 0, 0, null, 0, null, null, null)
        .atBoundary(offset, heartbeatMs);
  }

  /** The next change {@code (lsn, n)} of this position's transaction. */
  Position nextInTx(Map<String, ?> offset, long changeLsn, int changeN, String eventId) {
    return new Position(
        Kind.IN_TX,
        resumeOffset,
        txId,
        changeLsn,
        changeN,
        lsnCommit,
        ackLsn,
        eventId,
        longValue(offset, TS_USEC),
        relayedThroughMs);
  }

  /** The position at boundary {@code offset} (its {@code lsn == lsn_commit}). */
  Position atBoundary(Map<String, ?> offset, Long heartbeatMs) {
    long b = longValue(offset, LSN);
    Map<String, Object> resume = new LinkedHashMap<>(offset);
    resume.put(LSN_PROC, b);
    resume.put(LSN_COMMIT, b);
    // Debezium's WalPositionLocator resumes from the first message after a MESSAGE-typed
    // boundary; a COMMIT-typed one can skip changes of a transaction that started before it.
    resume.put(MESSAGE_TYPE, "MESSAGE");
    return new Position(
        Kind.BOUNDARY,
        resume,
        longValue(offset, TX_ID),
        b,
        0,
        b,
        b,
        lastEventId,
        lastCommitTsUsec,
        heartbeatMs != null ? heartbeatMs : relayedThroughMs);
  }

  /** The relay's first position in {@code offset}, an offset without relay fields. */
  static Position legacy(Map<String, ?> offset) {
    return new Position(
        Kind.LEGACY,
        new LinkedHashMap<>(offset),
        longValue(offset, TX_ID),
        orZero(longValue(offset, LSN)),
        0,
        longValue(offset, LSN_COMMIT),
        ack(offset),
        null,
        longValue(offset, TS_USEC),
        null);
  }

  /**
   * Whether the slot can be checked against {@link #ackLsn}: not for a legacy offset, nor inside
   * the first transaction after a new slot (no {@code lsn_commit} yet: its changes may lie before
   * the slot's start).
   */
  boolean ackComparable() {
    return kind != Kind.LEGACY && lsnCommit != null;
  }

  /** The commit time of the last relayed event, for messages; null if unknown. */
  Instant lastCommitTime() {
    return lastCommitTsUsec == null || lastCommitTsUsec == 0
        ? null
        : Instant.EPOCH.plus(lastCommitTsUsec, ChronoUnit.MICROS);
  }

  /** What Debezium flushes to the slot after a record with {@code offset}. */
  static long ack(Map<String, ?> offset) {
    Long commit = longValue(offset, LSN_COMMIT);
    if (commit != null) {
      return commit;
    }
    Long proc = longValue(offset, LSN_PROC);
    return proc != null ? proc : orZero(longValue(offset, LSN));
  }

  static Long longValue(Map<String, ?> offset, String key) {
    return offset.get(key) instanceof Number n ? n.longValue() : null;
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
