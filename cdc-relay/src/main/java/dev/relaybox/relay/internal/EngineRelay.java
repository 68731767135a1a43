package dev.relaybox.relay.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.relay.Relay;
import dev.relaybox.relay.RelayConfig;
import dev.relaybox.relay.RelayException;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Relay} over the Debezium async embedded engine, with a supervisor that restarts a failed
 * engine run (with a fresh producer, from the last committed offsets) after an exponential backoff.
 * Every state change happens under {@code lock}; engine runs happen on their own thread.
 */
public final class EngineRelay implements Relay {
  private static final Logger LOG = LoggerFactory.getLogger(EngineRelay.class);

  private enum State {
    NEW,
    RUNNING,
    STOPPING,
    STOPPED,
    FAILED
  }

  private final RelayConfig config;
  private final RelayMetrics metrics;
  private final Map<String, String> engineProperties;
  private final ScheduledExecutorService scheduler;
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final Object lock = new Object();

  private State state = State.NEW;
  private volatile boolean polling;
  private volatile RelayException failure;
  private Run run;
  private ScheduledFuture<?> pendingRestart;
  private long backoffMs;
  private int runs;
  private Connection lagConnection;

  public EngineRelay(RelayConfig config, MeterRegistry registry) {
    this.config = config;
    this.metrics = new RelayMetrics(registry, config.slotName());
    this.engineProperties = EngineProperties.engine(config);
    this.backoffMs = config.get(RelaySettings.RESTART_BACKOFF_INITIAL).toMillis();
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "relaybox-relay-supervisor");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public void start() {
    synchronized (lock) {
      if (state != State.NEW) {
        throw new IllegalStateException("Relay already started (state " + state + ")");
      }
      try {
        Preflight.check(config, engineProperties);
      } catch (SQLException e) {
        RelayException ex =
            new RelayException(
                "Cannot reach Postgres at "
                    + config.get(CommonSettings.PG_HOST)
                    + ":"
                    + config.get(CommonSettings.PG_PORT)
                    + "/"
                    + config.get(CommonSettings.PG_DATABASE)
                    + " as "
                    + config.get(CommonSettings.PG_USER)
                    + ": "
                    + e.getMessage(),
                e);
        failLocked(ex);
        throw ex;
      } catch (RuntimeException e) {
        RelayException ex =
            e instanceof RelayException re
                ? re
                : new RelayException("Relay cannot start: " + e.getMessage(), e);
        failLocked(ex);
        throw ex;
      }
      state = State.RUNNING;
      try {
        launchLocked();
      } catch (RuntimeException e) {
        RelayException ex = new RelayException("Relay cannot start: " + e.getMessage(), e);
        failLocked(ex);
        throw ex;
      }
    }
    scheduler.scheduleWithFixedDelay(
        this::pollSlotLag,
        0,
        config.get(RelaySettings.SLOT_LAG_POLL_INTERVAL).toMillis(),
        TimeUnit.MILLISECONDS);
    LOG.info(
        "relay started name={} slot={} publication={} table={}.{} topicPattern={} dlqTopic={}"
            + " offsets={}",
        config.name(),
        config.slotName(),
        config.get(RelaySettings.PUBLICATION_NAME),
        config.get(RelaySettings.OUTBOX_SCHEMA),
        config.get(RelaySettings.OUTBOX_TABLE),
        config.get(CommonSettings.TOPIC_PATTERN),
        config.get(RelaySettings.DLQ_TOPIC),
        config.get(RelaySettings.OFFSETS_STORAGE).equals("kafka")
            ? "kafka:" + config.get(RelaySettings.OFFSETS_TOPIC)
            : "file:" + Path.of(config.get(RelaySettings.OFFSETS_FILE)));
  }

  @Override
  public boolean isReady() {
    return polling;
  }

  @Override
  public boolean isHealthy() {
    return failure == null;
  }

  @Override
  public Optional<RelayException> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    Run current;
    synchronized (lock) {
      if (state != State.RUNNING && state != State.NEW) {
        return;
      }
      state = State.STOPPING;
      if (pendingRestart != null) {
        pendingRestart.cancel(false);
      }
      current = run;
    }
    if (current != null) {
      current.stop();
    }
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeLagConnection();
    synchronized (lock) {
      state = State.STOPPED;
    }
    polling = false;
    terminated.countDown();
    LOG.info("relay stopped name={}", config.name());
  }

  private void launchLocked() {
    runs++;
    run = new Run(runs);
    run.launch();
  }

  /** Called on the engine thread when a run ends. */
  private void runEnded(Run ended, boolean success, String message, Throwable error) {
    polling = false;
    ended.closeProducer();
    synchronized (lock) {
      if (state != State.RUNNING || ended != run) {
        return;
      }
      metrics.restarts.increment();
      LOG.error(
          "engine stopped unexpectedly run={} success={} restartInMs={} message={}",
          ended.number,
          success,
          backoffMs,
          message,
          error);
      scheduleRestartLocked();
    }
  }

  private void scheduleRestartLocked() {
    long delay = backoffMs;
    backoffMs = Math.min(backoffMs * 2, config.get(RelaySettings.RESTART_BACKOFF_MAX).toMillis());
    pendingRestart = scheduler.schedule(this::restart, delay, TimeUnit.MILLISECONDS);
  }

  private void restart() {
    synchronized (lock) {
      if (state != State.RUNNING) {
        return;
      }
      try {
        Preflight.check(config, engineProperties);
      } catch (RelayException e) {
        LOG.error(
            "relay cannot restart, stopping name={} reason={}", config.name(), e.getMessage());
        failLocked(e);
        return;
      } catch (Exception e) {
        LOG.warn(
            "restart check failed, retrying restartInMs={} error={}", backoffMs, String.valueOf(e));
        scheduleRestartLocked();
        return;
      }
      LOG.info("restarting engine run={}", runs + 1);
      try {
        launchLocked();
      } catch (RuntimeException e) {
        LOG.warn(
            "engine launch failed, retrying restartInMs={} error={}", backoffMs, String.valueOf(e));
        scheduleRestartLocked();
      }
    }
  }

  private void failLocked(RelayException e) {
    failure = e;
    state = State.FAILED;
    polling = false;
    scheduler.shutdownNow();
    closeLagConnection();
    terminated.countDown();
  }

  private void pollSlotLag() {
    try {
      if (lagConnection == null || lagConnection.isClosed()) {
        lagConnection = Preflight.connect(config);
      }
      try (PreparedStatement s =
          lagConnection.prepareStatement(
              "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)"
                  + " FROM pg_replication_slots WHERE slot_name = ?")) {
        s.setString(1, config.slotName());
        try (ResultSet rs = s.executeQuery()) {
          metrics.slotLagBytes.set(rs.next() ? rs.getLong(1) : -1);
        }
      }
    } catch (SQLException | RuntimeException e) {
      metrics.slotLagBytes.set(-1);
      closeLagConnection();
      LOG.debug("slot lag query failed error={}", String.valueOf(e));
    }
  }

  private void closeLagConnection() {
    if (lagConnection != null) {
      try {
        lagConnection.close();
      } catch (SQLException ignored) {
        // the connection is being discarded
      }
      lagConnection = null;
    }
  }

  /** One engine run with its own producer. */
  private final class Run {
    final int number;
    final CountDownLatch ended = new CountDownLatch(1);
    KafkaProducer<byte[], byte[]> producer;
    DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;

    Run(int number) {
      this.number = number;
    }

    void launch() {
      producer = new KafkaProducer<>(EngineProperties.producer(config));
      OutboxChangeConsumer consumer =
          new OutboxChangeConsumer(
              EngineProperties.outboxTopic(config),
              new OutboxRouter(
                  config.get(CommonSettings.TOPIC_PATTERN), config.get(RelaySettings.DLQ_TOPIC)),
              producer,
              metrics);
      Properties props = new Properties();
      props.putAll(engineProperties);
      engine =
          DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
              .using(props)
              .using(
                  new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void pollingStarted() {
                      polling = true;
                      synchronized (lock) {
                        backoffMs = config.get(RelaySettings.RESTART_BACKOFF_INITIAL).toMillis();
                      }
                      LOG.info("engine streaming run={} slot={}", number, config.slotName());
                    }

                    @Override
                    public void pollingStopped() {
                      polling = false;
                    }
                  })
              .using(
                  (success, message, error) -> {
                    try {
                      runEnded(this, success, message, error);
                    } finally {
                      ended.countDown();
                    }
                  })
              .notifying(consumer)
              .build();
      Thread t = new Thread(engine, "relaybox-relay-engine-" + number);
      t.start();
    }

    /** Stops the engine gracefully (it commits offsets of acknowledged events) and waits. */
    void stop() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (ended.getCount() > 0 && System.nanoTime() < deadline) {
        try {
          engine.close();
          break;
        } catch (IllegalStateException e) {
          // Debezium refuses to stop while tasks are starting; try again shortly.
          awaitEnd(100);
        } catch (Exception e) {
          LOG.warn("engine close failed run={} error={}", number, String.valueOf(e));
          break;
        }
      }
      awaitEnd(TimeUnit.SECONDS.toMillis(60));
      closeProducer();
    }

    private void awaitEnd(long millis) {
      try {
        ended.await(millis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    synchronized void closeProducer() {
      if (producer != null) {
        producer.close(Duration.ofSeconds(5));
        producer = null;
      }
    }
  }
}
