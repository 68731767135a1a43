package dev.relaybox.relay.internal;

import dev.relaybox.relay.RelayConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the relay's engine runs, and while the relay stands by keeps ready what a takeover
 * needs: the next run's producer (created but not initialised: creating it fences nobody) and the
 * committed position read up to now ({@link OffsetsTail}). A takeover is then lock, preflight,
 * fence ({@code initTransactions}), a short catch-up of the position, slot check, stream. The tail
 * stays open across runs, so a restart after an engine failure reads only what was appended since.
 * Used by the relay's supervisor thread only (and its first start, before that thread runs).
 */
final class RunPreparer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunPreparer.class);

  /** Short: the standby tries for the lock again only after its pre-read. */
  private static final Duration WARM_TIMEOUT = Duration.ofSeconds(2);

  private static final Duration ENSURE_TIMEOUT = Duration.ofSeconds(30);

  private final RelayConfig config;
  private final Map<String, String> engineProperties;
  private final RelayMetrics metrics;
  private final RelayProgress progress;
  private final EngineRun.Listener listener;
  private final StartGate gate;
  private final OffsetCodec codec;
  private OffsetsTail tail;
  private KafkaProducer<byte[], byte[]> spare;
  private int runs;
  private CompletableFuture<Void> warming = CompletableFuture.completedFuture(null);

  RunPreparer(
      RelayConfig config,
      RelayMetrics metrics,
      RelayProgress progress,
      EngineRun.Listener listener,
      StartGate gate) {
    this.config = config;
    this.engineProperties = EngineProperties.engine(config);
    this.metrics = metrics;
    this.progress = progress;
    this.listener = listener;
    this.gate = gate;
    this.codec = new OffsetCodec(config.name());
  }

  /**
   * At start: {@link #warm} on a thread of its own, so the Kafka side (producer, offsets topic,
   * position read so far) gets ready while the supervisor takes the lease and checks Postgres.
   * Whatever runs next on this preparer waits for it.
   */
  void warmInBackground() {
    warming =
        CompletableFuture.runAsync(
            this::warmNow,
            r -> {
              Thread t = new Thread(r, "relaybox-relay-warm-up");
              t.setDaemon(true);
              t.start();
            });
  }

  /**
   * While standby: creates the next producer and reads the position up to now. Failures only cost
   * the head start (a takeover prepares from scratch), so they are logged, not thrown.
   */
  void warm() {
    if (awaitWarming()) {
      warmNow();
    }
  }

  private void warmNow() {
    try {
      if (spare == null) {
        spare = new KafkaProducer<>(EngineProperties.producer(config));
      }
      if (config.exactlyOnce()) {
        tail(WARM_TIMEOUT).advance(WARM_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // the tail goes on from what it read; the takeover's catch-up reads the rest
      LOG.debug("standby pre-read of the committed position incomplete: {}", String.valueOf(e));
    }
  }

  /**
   * Checks Postgres and prepares the next run; blocking.
   *
   * @throws dev.relaybox.relay.RelayException when the relay cannot run at all
   * @throws Exception for what waiting may fix
   */
  EngineRun prepare() throws Exception {
    awaitWarming();
    // Exactly-once, the preparation fences the producer of any other instance: only the holder
    // of the active role may get there.
    if (!gate.stillActive()) {
      throw new IllegalStateException("this relay lost the active role before preparing a run");
    }
    long t0 = System.nanoTime();
    Preflight.check(config, engineProperties);
    long t1 = System.nanoTime();
    boolean warm = spare != null;
    KafkaProducer<byte[], byte[]> producer =
        warm ? spare : new KafkaProducer<>(EngineProperties.producer(config));
    spare = null;
    int number = ++runs;
    LOG.info(
        "preparing run={} preflightMs={} producerMs={} positionPreRead={}",
        number,
        TimeUnit.NANOSECONDS.toMillis(t1 - t0),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1),
        tail != null);
    try {
      return EngineRun.prepare(
          number,
          config,
          engineProperties,
          metrics,
          progress,
          listener,
          producer,
          config.exactlyOnce() ? tail(ENSURE_TIMEOUT) : null);
    } catch (Exception | Error e) {
      // Start the next read over: this one may have stopped anywhere.
      closeTail();
      throw e;
    }
  }

  private OffsetsTail tail(Duration ensureTimeout) throws Exception {
    if (tail == null) {
      OffsetsTopic.ensure(config, ensureTimeout);
      tail = new OffsetsTail(config, codec, EngineRun.catchUpTimeout(config));
    }
    return tail;
  }

  private void closeTail() {
    if (tail != null) {
      tail.close();
      tail = null;
    }
  }

  /** Waits for a background warm-up; false if interrupted. */
  private boolean awaitWarming() {
    try {
      warming.get(1, TimeUnit.MINUTES);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("warm-up failed: {}", String.valueOf(e));
      return true;
    }
  }

  @Override
  public void close() {
    awaitWarming();
    closeTail();
    if (spare != null) {
      spare.close(Duration.ofSeconds(5));
      spare = null;
    }
  }
}
