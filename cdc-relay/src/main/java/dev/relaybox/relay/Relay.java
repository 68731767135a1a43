package dev.relaybox.relay;

import dev.relaybox.relay.internal.EngineRelay;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;

/**
 * Publishes every row inserted into the outbox table to Kafka in commit order per aggregate: an
 * embedded Debezium Postgres connector reads the table's inserts from the WAL (pgoutput,
 * inserts-only publication). By default ({@code delivery.guarantee=exactly-once}) each batch is one
 * Kafka transaction holding its records and the relay's position, and the slot is confirmed only up
 * to what Kafka committed: a {@code read_committed} reader sees each event once, through crashes.
 * With {@code at-least-once} an idempotent producer sends them and a crash re-sends up to one
 * offset flush interval of events, which consumers dedupe by the {@code id} header.
 *
 * <p>Payloads are published untouched; see docs/architecture.md for topic, key, timestamp and
 * headers. Rows that cannot be routed go to the dead-letter topic with the reason in headers.
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #close()}. After start the relay recovers from
 * Kafka and Postgres outages by itself (restarting its engine with backoff); it stops for good only
 * when closed, when its slot is lost, dropped or recreated (events would be missing), or when
 * another instance with the same name fences it (see {@link #failure()}). Thread-safe.
 */
public interface Relay extends AutoCloseable {

  /** A relay that records its meters in a private registry. */
  static Relay create(RelayConfig config) {
    return create(config, new SimpleMeterRegistry());
  }

  /**
   * A relay recording {@code relaybox.relay.*} meters (events published, dead-lettered, batch
   * latency, transactions, the slot's lag, retained WAL and status, engine restarts) in {@code
   * registry}.
   */
  static Relay create(RelayConfig config, MeterRegistry registry) {
    return new EngineRelay(config, registry);
  }

  /**
   * Checks Postgres (logical WAL, outbox table, publication, slot vs stored offsets), creates the
   * publication if missing, exactly-once also fences earlier instances and reads the committed
   * position from Kafka, and starts the engine in the background; returns without waiting for the
   * first event. When Postgres or Kafka cannot be reached yet, returns at once and keeps trying in
   * the background with the startup backoff ({@code startup.backoff.*}), logging what it waits for
   * every few seconds; {@link #notReadyReason()} says so meanwhile.
   *
   * @throws RelayException if the relay cannot start: the message says why and what to do
   * @throws IllegalStateException if already started
   */
  void start();

  /** Whether the engine is streaming from the slot right now. */
  boolean isReady();

  /**
   * Why the relay is not {@link #isReady() ready} (waiting for Postgres or Kafka at start, engine
   * starting or restarting, failed), for {@code /ready}; empty while ready. Never holds secrets.
   */
  Optional<String> notReadyReason();

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
   * Stops the engine (what was committed stays committed; the slot is confirmed up to it), then the
   * producer. Idempotent; never throws.
   */
  @Override
  void close();
}
