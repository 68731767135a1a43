package dev.relaybox.relay.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay's meters; names are {@code relaybox.relay.*} (Prometheus: {@code relaybox_relay_*}).
 */
final class RelayMetrics {
  final Counter published;
  final Counter deadLettered;
  final Counter restarts;
  final Counter sendFailures;
  final Timer batchLatency;
  final AtomicLong slotLagBytes = new AtomicLong(-1);

  RelayMetrics(MeterRegistry registry, String slotName) {
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
    batchLatency =
        Timer.builder("relaybox.relay.batch.latency")
            .description("From receiving a change batch to every record acknowledged")
            .register(registry);
    Gauge.builder("relaybox.relay.slot.lag.bytes", slotLagBytes, AtomicLong::get)
        .description(
            "pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) of the slot; -1 unknown")
        .tag("slot", slotName)
        .baseUnit("bytes")
        .register(registry);
  }
}
