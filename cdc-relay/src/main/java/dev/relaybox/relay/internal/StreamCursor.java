package dev.relaybox.relay.internal;

import dev.relaybox.relay.RelayException;
import java.util.Map;
import java.util.Objects;

/**
 * Follows the change stream record by record: drops the outbox changes that were relayed already
 * (Debezium delivers the current source transaction again after every restart, and the slot may
 * re-send what was committed in Kafka but not yet confirmed to Postgres) and computes the {@link
 * Position} after the others. Used by the engine's polling thread only.
 *
 * <p>Order facts it relies on (pgoutput through Debezium 3.6): transactions arrive in commit order
 * and never interleave; the changes of one transaction arrive in LSN order, several at one LSN for
 * a COPY, and in the same order every time it is decoded; {@code lsn_commit} of a change is the
 * last boundary (COMMIT or non-transactional message) before it, so it grows from transaction to
 * transaction.
 */
final class StreamCursor {

  /** What to do with a data change. */
  enum Verdict {
    RELAY,
    SKIP
  }

  private Position position;
  private long deliveryTx = Long.MIN_VALUE;
  private long deliveryLsn = Long.MIN_VALUE;
  private int deliveryN;
  private boolean firstOfDelivery = true;

  /**
   * @param committed the last position committed in Kafka, or null on a first start
   */
  StreamCursor(Position committed) {
    this.position = committed;
  }

  /** The position after every record seen so far. */
  Position position() {
    return position;
  }

  /** Goes back to {@code committed} (a batch was aborted). */
  void reset(Position committed) {
    this.position = committed;
    restartDelivery();
  }

  /**
   * Debezium's task (re)started: it delivers the current transaction again from its beginning, so
   * the count of changes per LSN starts over.
   */
  void restartDelivery() {
    deliveryTx = Long.MIN_VALUE;
    deliveryLsn = Long.MIN_VALUE;
    deliveryN = 0;
    firstOfDelivery = true;
  }

  /**
   * A change of the outbox table with Debezium source {@code offset}: {@link Verdict#SKIP} if it
   * was relayed before, else {@link Verdict#RELAY} and the position moves past it.
   *
   * @throws RelayException if Debezium resumed beyond the committed position (changes would be
   *     lost): the run must restart
   */
  Verdict change(Map<String, ?> offset, String eventId) {
    Long txId = Position.longValue(offset, Position.TX_ID);
    Long lsnValue = Position.longValue(offset, Position.LSN);
    if (txId == null || lsnValue == null) {
      throw new RelayException("Debezium sent a change without txId/lsn: offset " + offset);
    }
    long lsn = lsnValue;
    if (txId != deliveryTx || lsn < deliveryLsn) {
      deliveryN = 0;
    } else if (lsn == deliveryLsn) {
      deliveryN++;
    } else {
      deliveryN = 0;
    }
    deliveryTx = txId;
    deliveryLsn = lsn;
    boolean first = firstOfDelivery;
    firstOfDelivery = false;

    Position p = position;
    if (p == null || p.kind() == Position.Kind.LEGACY) {
      position = Position.firstInTx(offset, eventId);
      return Verdict.RELAY;
    }
    if (p.kind() == Position.Kind.IN_TX && Objects.equals(p.txId(), txId)) {
      if (lsn < p.lsn() || (lsn == p.lsn() && deliveryN <= p.n())) {
        return Verdict.SKIP;
      }
      if (first && !resumedRightAfterFirstChange(p)) {
        throw new RelayException(
            "Debezium resumed transaction "
                + txId
                + " at change (lsn "
                + lsn
                + ", #"
                + deliveryN
                + ") beyond the committed position (lsn "
                + p.lsn()
                + ", #"
                + p.n()
                + "): changes in between would be lost. The relay restarts the engine.");
      }
      position = p.nextInTx(offset, lsn, deliveryN, eventId);
      return Verdict.RELAY;
    }
    Long lsnCommit = Position.longValue(offset, Position.LSN_COMMIT);
    if (isOlder(p, lsnCommit)) {
      return Verdict.SKIP;
    }
    position = Position.firstInTx(offset, eventId).withWatermarkOf(p);
    return Verdict.RELAY;
  }

  /**
   * A record that is not a change (Debezium heartbeat, logical decoding message): moves the
   * position if it is a boundary after it. {@code heartbeatMs} is the wall time a relay heartbeat
   * message carries, else null.
   */
  void other(Map<String, ?> offset, Long heartbeatMs) {
    Long lsn = Position.longValue(offset, Position.LSN);
    Long lsnCommit = Position.longValue(offset, Position.LSN_COMMIT);
    Object type = offset.get(Position.MESSAGE_TYPE);
    boolean boundary =
        lsn != null && lsn.equals(lsnCommit) && ("COMMIT".equals(type) || "MESSAGE".equals(type));
    if (!boundary) {
      return;
    }
    Position p = position;
    if (p == null) {
      position = Position.boundary(offset, heartbeatMs);
      return;
    }
    if (p.kind() != Position.Kind.LEGACY && p.lsnCommit() != null && lsn <= p.lsnCommit()) {
      return; // at or before the boundary the current position follows: passed already
    }
    position = p.atBoundary(offset, heartbeatMs);
  }

  /**
   * Whether the first change delivered after a restart may lie beyond the committed position: only
   * when that position is the first change of its transaction, because Debezium resumes right after
   * the change its BEGIN-typed resume offset names.
   */
  private static boolean resumedRightAfterFirstChange(Position p) {
    Long firstLsn = Position.longValue(p.resumeOffset(), Position.LSN);
    return p.n() == 0 && firstLsn != null && firstLsn == p.lsn();
  }

  /** Whether a change with {@code lsnCommit} belongs to a transaction before position {@code p}. */
  private static boolean isOlder(Position p, Long lsnCommit) {
    if (lsnCommit == null || p.lsnCommit() == null) {
      return false;
    }
    // IN_TX: a different transaction with T's lsn_commit (or less) streamed before T; after a
    // restart Debezium stamps re-sent earlier transactions with the lsn_commit it resumed from.
    return p.kind() == Position.Kind.IN_TX ? lsnCommit <= p.lsnCommit() : lsnCommit < p.lsnCommit();
  }
}
