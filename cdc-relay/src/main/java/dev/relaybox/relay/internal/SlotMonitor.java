package dev.relaybox.relay.internal;

import dev.relaybox.relay.RelayConfig;
import dev.relaybox.relay.RelayException;
import dev.relaybox.relay.SlotStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the relay's slot at start and every {@code slot.monitor.interval.ms}: exports its lag,
 * retained WAL, {@code safe_wal_size} and {@code wal_status}; warns when retention is unbounded (at
 * start, then every 6 hours) and while the slot retains more than {@code slot.wal.alert.percent} of
 * its limit (every 10 minutes); and, while the engine streams, stops the relay when the slot was
 * invalidated, dropped, or recreated or advanced past what the relay committed: Debezium alone
 * would only retry, or stream on past the gap. Runs on the supervisor thread.
 */
final class SlotMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(SlotMonitor.class);
  private static final Duration UNBOUNDED_WARNING_EVERY = Duration.ofHours(6);
  private static final Duration ALERT_WARNING_EVERY = Duration.ofMinutes(10);

  private final RelayConfig config;
  private final RelayMetrics metrics;
  private final RelayProgress progress;
  private final Supplier<Boolean> streaming;
  private final LongSupplier confirmedAtRunStart;
  private final Consumer<RelayException> stop;
  private Connection connection;
  private long nextUnboundedWarning;
  private long nextAlertWarning;

  /**
   * @param streaming whether the engine streams from the slot right now
   * @param confirmedAtRunStart the slot's confirmed LSN when the current run started, -1 unknown
   * @param stop stops the relay for good with the given reason
   */
  SlotMonitor(
      RelayConfig config,
      RelayMetrics metrics,
      RelayProgress progress,
      Supplier<Boolean> streaming,
      LongSupplier confirmedAtRunStart,
      Consumer<RelayException> stop) {
    this.config = config;
    this.metrics = metrics;
    this.progress = progress;
    this.streaming = streaming;
    this.confirmedAtRunStart = confirmedAtRunStart;
    this.stop = stop;
  }

  /** One check; never throws (a failed query only makes the gauges unknown). */
  void poll() {
    SlotStatus slot;
    try {
      if (connection == null || connection.isClosed()) {
        connection = Preflight.connect(config);
      }
      slot = SlotStatus.read(connection, config.slotName());
    } catch (SQLException | RuntimeException e) {
      unknown();
      close();
      LOG.debug("slot query failed slot={} error={}", config.slotName(), String.valueOf(e));
      return;
    }
    export(slot);
    warnAboutRetention(slot);
    boolean live = streaming.get();
    String gap = live ? gap(slot) : null;
    if (gap != null) {
      metrics.slotInvalidated.set(1);
      stop.accept(
          new RelayException(
              gap
                  + ". The relay stops rather than stream on past a gap; "
                  + progress.describe()
                  + ". To recover, restart it with "
                  + RelaySettings.ALLOW_MISSING_SLOT.key()
                  + "=true and republish the gap from a retained outbox with `relaybox outbox"
                  + " reconcile` from that commit time (see docs/recovery.md)."));
    }
  }

  /** Why the slot cannot be streamed from without a gap, or null. */
  private String gap(SlotStatus slot) {
    if (!slot.exists()) {
      return "Replication slot " + slot.name() + " was dropped while the relay streamed from it";
    }
    Position committed = progress.committed();
    long allowed =
        committed == null
            ? Long.MAX_VALUE
            : Math.max(committed.ackLsn(), confirmedAtRunStart.getAsLong());
    return SlotPreflight.problem(slot, committed, allowed);
  }

  private void export(SlotStatus slot) {
    metrics.slotLagBytes.set(orUnknown(slot.lagBytes()));
    metrics.retainedWalBytes.set(orUnknown(slot.retainedWalBytes()));
    metrics.safeWalSizeBytes.set(orUnknown(slot.safeWalSizeBytes()));
    metrics.maxWalKeepSizeBytes.set(slot.maxWalKeepSizeBytes());
    metrics.walStatus.set(slot.walStatusCode());
    metrics.walAlert.set(slot.walAlert(config.get(RelaySettings.SLOT_WAL_ALERT_PERCENT)) ? 1 : 0);
  }

  private void warnAboutRetention(SlotStatus slot) {
    long now = System.nanoTime();
    if (slot.unbounded() && now - nextUnboundedWarning >= 0) {
      nextUnboundedWarning = now + UNBOUNDED_WARNING_EVERY.toNanos();
      LOG.warn(
          "max_slot_wal_keep_size=-1: slot {} retains WAL without limit while the relay is down or"
              + " stalled (now {}); a long outage can fill the Postgres disk. Fix: {}",
          config.slotName(),
          SlotStatus.bytes(slot.retainedWalBytes()),
          SlotStatus.boundedWalAdvice());
    }
    int percent = config.get(RelaySettings.SLOT_WAL_ALERT_PERCENT);
    if (slot.walAlert(percent) && now - nextAlertWarning >= 0) {
      nextAlertWarning = now + ALERT_WARNING_EVERY.toNanos();
      LOG.warn(
          "slot {} retains {} of max_slot_wal_keep_size {} (alert at {} %, wal_status={}): {} more"
              + " WAL and Postgres invalidates it, losing the events the relay has not read. The"
              + " relay is behind by {}; check that it runs and keeps up, or raise"
              + " max_slot_wal_keep_size",
          config.slotName(),
          SlotStatus.bytes(slot.retainedWalBytes()),
          SlotStatus.bytes(slot.maxWalKeepSizeBytes()),
          percent,
          slot.walStatus(),
          SlotStatus.bytes(slot.safeWalSizeBytes()),
          SlotStatus.bytes(slot.lagBytes()));
    }
  }

  private void unknown() {
    metrics.slotLagBytes.set(-1);
    metrics.retainedWalBytes.set(-1);
    metrics.safeWalSizeBytes.set(-1);
    metrics.walStatus.set(-1);
  }

  private static long orUnknown(Long value) {
    return value == null ? -1 : value;
  }

  void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // the connection is being discarded
      }
      connection = null;
    }
  }
}
