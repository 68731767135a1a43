package dev.relaybox.relay.internal;

import dev.relaybox.relay.RelayConfig;
import dev.relaybox.relay.RelayException;
import dev.relaybox.relay.SlotStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exactly-once checks of the replication slot against the position committed in Kafka, before
 * every engine start. A missing, invalidated, recreated or foreign-advanced slot means events may
 * be missing in between: refused, or with {@code startup.allow.missing.slot} the slot is dropped
 * and the position discarded (the caller writes the tombstone). A slot confirmed behind the
 * committed position (the relay died between the Kafka commit and the slot confirmation) is
 * advanced to it, so Postgres never sends a completed transaction again.
 */
final class SlotPreflight {
  private static final Logger LOG = LoggerFactory.getLogger(SlotPreflight.class);
  private static final Duration INACTIVE_WAIT = Duration.ofSeconds(30);

  private SlotPreflight() {}

  /**
   * What the run starts from.
   *
   * @param committed the position to resume from, null for a new slot
   * @param discarded the position given up with the lost slot (the gap starts there), or null
   * @param confirmedAtStart the slot's confirmed LSN once checked (-1 without a slot)
   */
  record Outcome(Position committed, Position discarded, long confirmedAtStart) {}

  /**
   * @throws RelayException if the slot cannot serve the committed position and the configuration
   *     does not allow starting over
   * @throws SQLException for transient failures (Postgres unreachable, slot still held)
   */
  static Outcome check(RelayConfig config, Position committed) throws SQLException {
    try (Connection c = Preflight.connect(config)) {
      SlotStatus slot = SlotStatus.read(c, config.slotName());
      if (committed == null) {
        if (slot.invalidated()) {
          LOG.warn(
              "replication slot {} is invalidated and the relay has no offsets: dropping it, a new"
                  + " one is created walStatus={} reason={}",
              config.slotName(),
              slot.walStatus(),
              slot.invalidationReason());
          drop(c, config.slotName());
          return new Outcome(null, null, -1);
        }
        return new Outcome(null, null, confirmed(slot));
      }
      String problem = problem(slot, committed, committed.ackLsn());
      if (problem != null) {
        if (!config.get(RelaySettings.ALLOW_MISSING_SLOT)) {
          throw new RelayException(refusal(config, problem, committed));
        }
        LOG.warn(
            "{}; {}=true: discarding the offsets and starting from a new slot. Events committed"
                + " since the last relayed one are NOT streamed: {} discardedOffset={}",
            problem,
            RelaySettings.ALLOW_MISSING_SLOT.key(),
            reconcileHint(config, committed),
            committed.resumeOffset());
        if (slot.exists()) {
          drop(c, config.slotName());
        }
        return new Outcome(null, committed, -1);
      }
      long confirmed = confirmed(slot);
      if (committed.ackComparable() && confirmed < committed.ackLsn()) {
        awaitInactive(c, config.slotName());
        try (PreparedStatement s =
            c.prepareStatement("SELECT pg_replication_slot_advance(?, ?::pg_lsn)")) {
          s.setString(1, config.slotName());
          s.setString(2, lsn(committed.ackLsn()));
          s.execute();
        }
        LOG.info(
            "advanced slot {} from {} to the committed position {}: Kafka has everything before",
            config.slotName(),
            lsn(confirmed),
            lsn(committed.ackLsn()));
        confirmed = committed.ackLsn();
      }
      return new Outcome(committed, null, confirmed);
    }
  }

  /**
   * Why {@code slot} cannot serve {@code committed} (null: nothing relayed yet), or null if it can.
   * The slot must exist, not be invalidated, still hold the WAL the resume offset needs ({@code
   * restart_lsn} at or before its {@code lsn_proc}, as Debezium requires) and not be confirmed past
   * {@code allowedConfirmed}: only the relay confirms it, up to what it committed.
   */
  static String problem(SlotStatus slot, Position committed, long allowedConfirmed) {
    if (!slot.exists()) {
      return "Replication slot " + slot.name() + " does not exist";
    }
    if (slot.invalidated()) {
      return "Replication slot "
          + slot.name()
          + " was invalidated (wal_status="
          + slot.walStatus()
          + (slot.invalidationReason() == null ? "" : ", reason=" + slot.invalidationReason())
          + (slot.conflicting() ? ", recovery conflict" : "")
          + "): Postgres removed WAL it still needed, typically because it retained more than"
          + " max_slot_wal_keep_size while the relay was down or stalled";
    }
    if (committed == null) {
      return null;
    }
    Long proc = Position.longValue(committed.resumeOffset(), Position.LSN_PROC);
    if (proc == null) {
      proc = Position.longValue(committed.resumeOffset(), Position.LSN);
    }
    if (slot.restartLsn() != null && proc != null && slot.restartLsn() > proc) {
      return "Replication slot "
          + slot.name()
          + " no longer holds the WAL the relay resumes from (its restart_lsn "
          + lsn(slot.restartLsn())
          + " is past "
          + lsn(proc)
          + "): it was dropped and recreated, or advanced by another client";
    }
    if (committed.ackComparable()
        && slot.confirmedFlushLsn() != null
        && slot.confirmedFlushLsn() > allowedConfirmed) {
      return "Replication slot "
          + slot.name()
          + " is confirmed at "
          + lsn(slot.confirmedFlushLsn())
          + ", past the relay's committed position "
          + lsn(allowedConfirmed)
          + ": it was dropped and recreated, or advanced by another client";
    }
    return null;
  }

  /** The refusal message: what happened, what was relayed last, how to recover. */
  static String refusal(RelayConfig config, String problem, Position committed) {
    Instant last = committed.lastCommitTime();
    return problem
        + ", but the relay has stored offsets"
        + (last == null ? "" : " (last relayed commit at " + last + ")")
        + ". Events committed since then can no longer be read from the WAL; the relay refuses"
        + " to stream on past the gap. To recover, set "
        + RelaySettings.ALLOW_MISSING_SLOT.key()
        + "=true (or "
        + RelaySettings.ALLOW_MISSING_SLOT.environmentName()
        + "=true) to start from a new slot, then republish the gap from a retained outbox"
        + " (CleanupMode.RETAIN): "
        + reconcileHint(config, committed)
        + "; or accept that the events in the gap are lost.";
  }

  /** The reconcile command for the gap after {@code committed}. */
  static String reconcileHint(RelayConfig config, Position committed) {
    Instant last = committed.lastCommitTime();
    String from =
        last == null
            ? "<last relayed commit time>"
            : last.minus(config.get(RelaySettings.MAX_TRANSACTION_AGE)).toString();
    return "run `relaybox outbox reconcile --config <relay.properties> --from "
        + from
        + "` once the relay streams again (or set "
        + RelaySettings.RECONCILE_AFTER_SLOT_LOSS.key()
        + "=true), it republishes exactly the retained events that never reached Kafka";
  }

  private static long confirmed(SlotStatus slot) {
    return slot.confirmedFlushLsn() == null ? -1 : slot.confirmedFlushLsn();
  }

  private static void drop(Connection c, String slot) throws SQLException {
    awaitInactive(c, slot);
    try (PreparedStatement s = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
      s.setString(1, slot);
      s.execute();
    }
  }

  /** A killed relay's walsender may hold the slot for a moment. */
  private static void awaitInactive(Connection c, String slot) throws SQLException {
    long deadline = System.nanoTime() + INACTIVE_WAIT.toNanos();
    while (SlotStatus.read(c, slot).active()) {
      if (System.nanoTime() > deadline) {
        throw new SQLTransientException(
            "replication slot " + slot + " is still held by another walsender");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLTransientException("interrupted while waiting for slot " + slot, e);
      }
    }
  }

  static String lsn(long value) {
    return Long.toHexString(value >>> 32).toUpperCase()
        + "/"
        + Long.toHexString(value & 0xffffffffL).toUpperCase();
  }
}
