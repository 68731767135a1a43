package dev.relaybox.relay;

import dev.relaybox.relay.internal.EngineRelay;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;

/**
 * Publishes every row inserted into the outbox table to Kafka, at least once and in commit order
 * per aggregate: an embedded Debezium Postgres connector reads the table's inserts from the WAL
 * (pgoutput, inserts-only publication) and an idempotent {@code acks=all} producer sends them; a
 * batch's offsets are committed only after Kafka acknowledged every record of it. After a crash up
 * to {@value RelayConfig#OFFSETS_FLUSH_INTERVAL_MS} worth of events are sent again, so consumers
 * dedupe by the {@code id} header.
 *
 * <p>Payloads are published untouched; see docs/architecture.md for topic, key, timestamp and
 * headers. Rows that cannot be routed go to the dead-letter topic with the reason in headers.
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #close()}. After start the relay recovers from
 * Kafka and Postgres outages by itself (restarting its engine with backoff); it stops for good only
 * when closed or when a restart finds the replication slot gone (see {@link #failure()}).
 * Thread-safe.
 */
public interface Relay extends AutoCloseable {

  /** A relay that records its meters in a private registry. */
  static Relay create(RelayConfig config) {
    return create(config, new SimpleMeterRegistry());
  }

  /**
   * A relay recording {@code relaybox.relay.*} meters (events published, dead-lettered, batch
   * latency, slot lag in bytes, engine restarts) in {@code registry}.
   */
  static Relay create(RelayConfig config, MeterRegistry registry) {
    return new EngineRelay(config, registry);
  }

  /**
   * Checks Postgres (logical WAL, outbox table, publication, slot vs stored offsets), creates the
   * publication if missing and starts the engine in the background; returns without waiting for the
   * first event.
   *
   * @throws RelayException if the relay cannot start: the message says why and what to do
   * @throws IllegalStateException if already started
   */
  void start();

  /** Whether the engine is streaming from the slot right now. */
  boolean isReady();

  /** False once the relay stopped fatally. */
  boolean isHealthy();

  /** Why the relay stopped fatally, if it did. */
  Optional<RelayException> failure();

  /**
   * Waits until the relay is closed or has failed.
   *
   * @return false if the timeout elapsed first
   */
  boolean awaitTermination(Duration timeout) throws InterruptedException;

  /**
   * Stops the engine (committing the offsets of every acknowledged event), then the producer.
   * Idempotent; never throws.
   */
  @Override
  void close();
}
