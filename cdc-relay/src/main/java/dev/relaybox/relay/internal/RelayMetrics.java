package dev.relaybox.relay.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The relay's meters; names are {@code relaybox.relay.*} (Prometheus: {@code relaybox_relay_*}).
 * Slot gauges are -1 while unknown.
 */
final class RelayMetrics {
  /** Where the producers' Kafka client meters go as well. */
  final MeterRegistry registry;

  final Counter published;
  final Counter deadLettered;
  final Counter restarts;
  final Counter sendFailures;
  final Counter transactionsCommitted;
  final Counter transactionsAborted;
  final Counter replaysSkipped;
  final Timer batchLatency;
  final AtomicLong slotLagBytes = new AtomicLong(-1);
  final AtomicLong retainedWalBytes = new AtomicLong(-1);
  final AtomicLong safeWalSizeBytes = new AtomicLong(-1);
  final AtomicLong maxWalKeepSizeBytes = new AtomicLong(-1);
  final AtomicLong walStatus = new AtomicLong(-1);
  final AtomicLong walAlert = new AtomicLong(0);
  final AtomicLong slotInvalidated = new AtomicLong(0);
  final AtomicLong lastCommitTimestampMs = new AtomicLong(0);
  final AtomicLong active = new AtomicLong(0);

  RelayMetrics(MeterRegistry registry, String slotName) {
    this.registry = registry;
    published =
        Counter.builder("relaybox.relay.events.published")
            .description("Outbox events acknowledged by Kafka on their topic")
            .register(registry);
    deadLettered =
        Counter.builder("relaybox.relay.events.dead.lettered")
            .description("Outbox rows sent to the dead-letter topic")
            .register(registry);
    restarts =
        Counter.builder("relaybox.relay.engine.restarts")
            .description("Debezium engine restarts after a failure")
            .register(registry);
    sendFailures =
        Counter.builder("relaybox.relay.send.failures")
            .description("Batches not committed because Kafka did not acknowledge a record")
            .register(registry);
    transactionsCommitted =
        Counter.builder("relaybox.relay.transactions.committed")
            .description("Kafka transactions committed (exactly-once: one per batch)")
            .register(registry);
    transactionsAborted =
        Counter.builder("relaybox.relay.transactions.aborted")
            .description("Kafka transactions aborted (a send failed; the batch is re-read)")
            .register(registry);
    replaysSkipped =
        Counter.builder("relaybox.relay.replays.skipped")
            .description("Outbox changes delivered again by Debezium and skipped: relayed before")
            .register(registry);
    batchLatency =
        Timer.builder("relaybox.relay.batch.latency")
            .description("From receiving a change batch to every record acknowledged (committed)")
            .register(registry);
    slotGauge(registry, slotName, "slot.lag.bytes", slotLagBytes, "WAL after confirmed_flush_lsn");
    slotGauge(
        registry, slotName, "slot.retained.wal.bytes", retainedWalBytes, "WAL after restart_lsn");
    slotGauge(
        registry,
        slotName,
        "slot.safe.wal.size.bytes",
        safeWalSizeBytes,
        "WAL that may still be written before the slot is invalidated");
    slotGauge(
        registry,
        slotName,
        "slot.max.wal.keep.size.bytes",
        maxWalKeepSizeBytes,
        "max_slot_wal_keep_size; -1 unbounded");
    Gauge.builder("relaybox.relay.slot.wal.status", walStatus, AtomicLong::get)
        .description("wal_status: 0 reserved, 1 extended, 2 unreserved, 3 lost, -1 unknown")
        .tag("slot", slotName)
        .register(registry);
    Gauge.builder("relaybox.relay.slot.wal.alert", walAlert, AtomicLong::get)
        .description("1 while the slot retains more than slot.wal.alert.percent of its limit")
        .tag("slot", slotName)
        .register(registry);
    Gauge.builder("relaybox.relay.slot.invalidated", slotInvalidated, AtomicLong::get)
        .description("1 once the slot was found lost, dropped or recreated: the relay stopped")
        .tag("slot", slotName)
        .register(registry);
    Gauge.builder(
            "relaybox.relay.last.commit.timestamp", lastCommitTimestampMs, v -> v.get() / 1000.0)
        .description("Commit time of the last relayed event (epoch seconds), 0 before the first")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("relaybox.relay.active", active, AtomicLong::get)
        .description("1 while this relay holds the active role of its relay.name, 0 standby")
        .register(registry);
  }

  /** Registers {@code relaybox.relay.streaming}: 1 while the engine streams the slot. */
  void streaming(BooleanSupplier streaming) {
    Gauge.builder("relaybox.relay.streaming", () -> streaming.getAsBoolean() ? 1 : 0)
        .description("1 while the relay streams its slot (what /ready reports), else 0")
        .register(registry);
  }

  private static void slotGauge(
      MeterRegistry registry, String slot, String name, AtomicLong value, String description) {
    Gauge.builder("relaybox.relay." + name, value, AtomicLong::get)
        .description(description + "; -1 unknown")
        .tag("slot", slot)
        .baseUnit("bytes")
        .register(registry);
  }
}
