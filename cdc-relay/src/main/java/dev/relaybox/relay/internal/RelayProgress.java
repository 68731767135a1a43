package dev.relaybox.relay.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * How far the relay got, across engine runs: the last relayed event and its commit time (for the
 * messages of a relay that stops at a gap) and, exactly-once, the last committed {@link Position}.
 * Written by the engine thread, read by the supervisor and the slot monitor.
 */
final class RelayProgress {
  private final RelayMetrics metrics;
  private volatile String lastEventId;
  private volatile long lastCommitTsUsec;
  private volatile Position committed;

  RelayProgress(RelayMetrics metrics) {
    this.metrics = metrics;
  }

  /** An event reached Kafka (at-least-once: acknowledged; exactly-once: committed). */
  void relayed(String eventId, Long commitTsUsec) {
    if (eventId != null) {
      lastEventId = eventId;
    }
    if (commitTsUsec != null && commitTsUsec > 0) {
      lastCommitTsUsec = commitTsUsec;
      metrics.lastCommitTimestampMs.set(commitTsUsec / 1000);
    }
  }

  /** Exactly-once: the position committed in Kafka with the last transaction. */
  void committed(Position position) {
    committed = position;
    relayed(position.lastEventId(), position.lastCommitTsUsec());
  }

  /** The last committed position; null before the first (or at-least-once). */
  Position committed() {
    return committed;
  }

  /** "last relayed event X committed at T", for messages; empty before the first. */
  String describe() {
    long ts = lastCommitTsUsec;
    String id = lastEventId;
    if (ts == 0 && id == null) {
      return "no event relayed since the relay started";
    }
    return "last relayed event "
        + (id == null ? "(unknown id)" : id)
        + (ts == 0 ? "" : " committed at " + Instant.EPOCH.plus(ts, ChronoUnit.MICROS));
  }
}
