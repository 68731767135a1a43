package dev.relaybox.relay.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.config.DependencyWait;
import dev.relaybox.relay.RelayConfig;
import dev.relaybox.relay.RelayException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What stands between a relay and its first engine run: the dependencies it waits for at start
 * ({@link DependencyWait}) and the active role among the relays of its name ({@link RelayLease}).
 * While active it renews the lease on a thread of its own (the supervisor may block in a
 * preparation for a minute) and calls {@code onLost} when the lease is gone. Thread-safe.
 */
final class StartGate implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StartGate.class);
  private static final long STANDBY_LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final RelayConfig config;
  private final DependencyWait wait;
  private final RelayLease lease;
  private final AtomicLong activeGauge;
  private final Runnable onLost;
  private final ScheduledExecutorService renewer;
  private volatile boolean standby;
  private long lastStandbyLogNanos;

  StartGate(RelayConfig config, AtomicLong activeGauge, Runnable onLost) {
    this.config = config;
    this.wait = new DependencyWait(config, LOG);
    this.lease = new RelayLease(config);
    this.activeGauge = activeGauge;
    this.onLost = onLost;
    this.renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "relaybox-relay-lease");
              t.setDaemon(true);
              return t;
            });
    long every = config.get(RelaySettings.LEASE_TIMEOUT).toMillis() / 4;
    renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Takes the active role if it is free. Returns null when this relay is active (it may prepare a
   * run), else how long a standby waits before trying again.
   *
   * @throws SQLException if Postgres cannot be asked (see {@link #failed})
   */
  Duration enter() throws SQLException {
    if (!lease.tryAcquire()) {
      activeGauge.set(0);
      if (!standby || System.nanoTime() - lastStandbyLogNanos >= STANDBY_LOG_EVERY_NANOS) {
        lastStandbyLogNanos = System.nanoTime();
        LOG.info(
            "relay is standby name={}: another relay of this name is active ({}); taking over"
                + " when it stops",
            config.name(),
            lease.holder());
      }
      standby = true;
      return config.get(RelaySettings.STANDBY_POLL);
    }
    if (standby) {
      LOG.info("relay takes the active role name={}", config.name());
    }
    standby = false;
    activeGauge.set(1);
    try {
      lease.endStaleWalsender();
    } catch (SQLException e) {
      LOG.warn("cannot check the slot for a stale walsender: {}", e.getMessage());
    }
    return null;
  }

  /** Whether this relay holds the active role right now (renewed before every preparation). */
  boolean stillActive() {
    return lease.renew();
  }

  /**
   * Classifies a failed attempt to start: the delay before the next attempt when a dependency is
   * unreachable (logged every few seconds, reported by {@link #reason()}).
   *
   * @throws RelayException when waiting cannot help
   */
  Duration failed(Exception e) {
    String what = awaited(e);
    if (what == null) {
      throw new RelayException(
          e instanceof SQLException
              ? "Cannot use "
                  + DependencyWait.postgres(config)
                  + " as "
                  + config.get(CommonSettings.PG_USER)
                  + ": "
                  + e.getMessage()
              : "Relay cannot start: " + e.getMessage(),
          e);
    }
    return wait.failed(what, e);
  }

  /** The dependencies answered and a run was prepared. */
  void reached() {
    wait.reached();
  }

  /** Why no run has started: standby (and who is active) or what the relay waits for. */
  String reason() {
    return standby
        ? "standby: another relay named " + config.name() + " is active (" + lease.holder() + ")"
        : wait.reason();
  }

  /** Whether this relay is a standby. */
  boolean isStandby() {
    return standby;
  }

  private void renew() {
    if (lease.held() && !lease.renew()) {
      activeGauge.set(0);
      onLost.run();
    }
  }

  /** The dependency {@code e} says is unreachable ({@code host:port}), or null if none. */
  private String awaited(Exception e) {
    if (DependencyWait.isUnavailable(e)) {
      return DependencyWait.postgres(config);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RetriableException) {
        return "Kafka at " + config.get(CommonSettings.KAFKA_BOOTSTRAP_SERVERS);
      }
    }
    return null;
  }

  /** Releases the active role. */
  @Override
  public void close() {
    renewer.shutdownNow();
    lease.close();
    activeGauge.set(0);
  }
}
