package dev.relaybox.relay.internal;

import dev.relaybox.relay.Relay;
import dev.relaybox.relay.RelayConfig;
import dev.relaybox.relay.RelayException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Relay} over the Debezium async embedded engine, with a supervisor that restarts a failed
 * engine run (with a fresh producer, from the last committed position) after an exponential
 * backoff, and a {@link SlotMonitor} that stops the relay when its slot can no longer be streamed
 * from without a gap. State changes happen under {@code lock}; blocking preparation (Postgres and
 * Kafka round trips) happens outside it; engine runs happen on their own thread.
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
  private final RelayProgress progress;
  private final ScheduledExecutorService scheduler;
  private final SlotMonitor monitor;
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final Object lock = new Object();
  private final EngineRun.Listener listener = new RunListener();
  private final StartGate gate;
  private final RunPreparer preparer;

  private State state = State.NEW;
  private volatile boolean polling;
  private volatile RelayException failure;
  private volatile EngineRun run;
  private volatile GapRepair gapRepair;
  private volatile String lastEngineError;
  private ScheduledFuture<?> pendingRestart;
  private long backoffMs;

  public EngineRelay(RelayConfig config, MeterRegistry registry) {
    this.config = config;
    this.metrics = new RelayMetrics(registry, config.slotName());
    this.progress = new RelayProgress(metrics);
    metrics.streaming(this::isReady);
    this.backoffMs = config.get(RelaySettings.RESTART_BACKOFF_INITIAL).toMillis();
    this.gate = new StartGate(config, metrics.active, this::stepDown);
    this.preparer = new RunPreparer(config, metrics, progress, listener, gate);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "relaybox-relay-supervisor");
              t.setDaemon(true);
              return t;
            });
    this.monitor =
        new SlotMonitor(
            config,
            metrics,
            progress,
            () -> polling,
            () -> run == null ? -1 : run.confirmedAtStart(),
            this::stopAtGap);
  }

  @Override
  public void start() {
    synchronized (lock) {
      if (state != State.NEW) {
        throw new IllegalStateException("Relay already started (state " + state + ")");
      }
      state = State.RUNNING;
    }
    // The first attempt runs here so that what no wait can fix (configuration, wal_level, a lost
    // slot) still fails start(); an unreachable Postgres or Kafka is awaited in the background.
    // Meanwhile the Kafka side of the first run gets ready on a thread of its own.
    preparer.warmInBackground();
    attemptStart();
    synchronized (lock) {
      if (failure != null) {
        throw failure;
      }
    }
    scheduler.scheduleWithFixedDelay(
        this::supervise,
        0,
        config.get(RelaySettings.SLOT_MONITOR_INTERVAL).toMillis(),
        TimeUnit.MILLISECONDS);
    LOG.info("relay started {}", EngineProperties.describe(config));
  }

  @Override
  public boolean isReady() {
    return notReadyReason().isEmpty();
  }

  @Override
  public Optional<String> notReadyReason() {
    RelayException failed = failure;
    if (failed != null) {
      return Optional.of("failed: " + failed.getMessage());
    }
    EngineRun current = run;
    if (current == null) {
      return Optional.of(gate.reason());
    }
    if (!polling) {
      String error = lastEngineError;
      return Optional.of(
          "not streaming from slot "
              + config.slotName()
              + (error == null
                  ? " (engine starting)"
                  : " (engine restarting after: " + error + ")"));
    }
    return current.stallReason();
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
    EngineRun current;
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
    shutdownSupervisor();
    synchronized (lock) {
      state = State.STOPPED;
    }
    polling = false;
    terminated.countDown();
    LOG.info("relay stopped name={}", config.name());
  }

  /** Every slot.monitor.interval.ms on the supervisor thread. */
  private void supervise() {
    monitor.poll();
    GapRepair repair = gapRepair;
    if (repair != null && polling && repair.attempt()) {
      gapRepair = null;
    }
  }

  private void attemptStart() {
    attempt(false);
  }

  private void restart() {
    attempt(true);
  }

  /**
   * Takes the active role (or stays standby), prepares a run and launches it. At start, while
   * Postgres or Kafka cannot be reached, tries again after the startup backoff ({@link
   * StartGate#failed}); when {@code restarting} after the restart backoff. Fails the relay for
   * anything waiting cannot fix.
   */
  private void attempt(boolean restarting) {
    synchronized (lock) {
      if (state != State.RUNNING) {
        return;
      }
    }
    EngineRun next;
    try {
      Duration standby = gate.enter();
      if (standby != null) {
        preparer.warm();
        schedule(this::attemptStart, standby);
        return;
      }
      next = preparer.prepare();
    } catch (RelayException e) {
      LOG.error("relay cannot start, stopping name={} reason={}", config.name(), e.getMessage());
      fail(e);
      return;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        return;
      }
      if (restarting) {
        synchronized (lock) {
          if (state == State.RUNNING) {
            LOG.warn(
                "restart preparation failed, retrying restartInMs={} error={}",
                backoffMs,
                String.valueOf(e));
            scheduleRestartLocked();
          }
        }
        return;
      }
      try {
        schedule(this::attemptStart, gate.failed(e));
      } catch (RelayException fatal) {
        fail(fatal);
      }
      return;
    }
    gate.reached();
    synchronized (lock) {
      EngineRun current = run;
      if (state == State.RUNNING && (current == null || current.hasEnded())) {
        LOG.info("starting engine run={}", next.number);
        launchLocked(next);
        return;
      }
    }
    next.stop();
  }

  private void schedule(Runnable task, Duration delay) {
    synchronized (lock) {
      if (state == State.RUNNING) {
        pendingRestart = scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  /**
   * The lease is gone (this relay was paused or cut off, and a standby may be active): stop
   * publishing at once and try for the role again as a standby would.
   */
  private void stepDown() {
    EngineRun current;
    synchronized (lock) {
      if (state != State.RUNNING) {
        return;
      }
      current = run;
      run = null;
      polling = false;
      if (pendingRestart != null) {
        pendingRestart.cancel(false);
      }
    }
    if (current != null) {
      current.stop();
    }
    schedule(this::attemptStart, config.get(RelaySettings.STANDBY_POLL));
  }

  private void launchLocked(EngineRun next) {
    run = next;
    next.start();
  }

  private void scheduleRestartLocked() {
    long delay = backoffMs;
    backoffMs = Math.min(backoffMs * 2, config.get(RelaySettings.RESTART_BACKOFF_MAX).toMillis());
    pendingRestart = scheduler.schedule(this::restart, delay, TimeUnit.MILLISECONDS);
  }

  /** The slot monitor found a gap: stop for good, loudly. */
  private void stopAtGap(RelayException e) {
    LOG.error(
        "relay stopping name={} slot={}: {}", config.name(), config.slotName(), e.getMessage());
    fail(e);
  }

  /** Stops for good with {@code e} as the failure (idempotent; first failure wins). */
  private void fail(RelayException e) {
    fail(e, true);
  }

  private void fail(RelayException e, boolean stopRun) {
    EngineRun current;
    synchronized (lock) {
      if (state != State.RUNNING && state != State.NEW) {
        return;
      }
      failure = e;
      state = State.FAILED;
      polling = false;
      if (pendingRestart != null) {
        pendingRestart.cancel(false);
      }
      current = run;
    }
    if (current != null && stopRun) {
      current.stop();
    }
    shutdownSupervisor();
    terminated.countDown();
  }

  private void shutdownSupervisor() {
    scheduler.shutdown();
    if (!Thread.currentThread().getName().equals("relaybox-relay-supervisor")) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(15, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    monitor.close();
    gate.close();
    preparer.close();
  }

  /** Callbacks of the current run, on its engine thread. */
  private final class RunListener implements EngineRun.Listener {
    @Override
    public void streaming(EngineRun r) {
      synchronized (lock) {
        if (r != run || state != State.RUNNING) {
          return;
        }
        backoffMs = config.get(RelaySettings.RESTART_BACKOFF_INITIAL).toMillis();
      }
      GapRepair repair = r.gapRepair(progress);
      if (repair != null) {
        gapRepair = repair;
      }
      lastEngineError = null;
      polling = true;
    }

    @Override
    public void notStreaming(EngineRun r) {
      if (r == run) {
        polling = false;
      }
    }

    @Override
    public void ended(EngineRun ended, boolean success, String message, Throwable error) {
      if (ended == run) {
        polling = false;
      }
      RelayException fenced = EngineRun.terminal(error);
      if (fenced != null) {
        // The run has ended: nothing to stop, and stopping it here would wait for ourselves.
        LOG.error("relay stopping name={}: {}", config.name(), fenced.getMessage());
        fail(fenced, false);
        return;
      }
      synchronized (lock) {
        if (state != State.RUNNING || ended != run) {
          return;
        }
        metrics.restarts.increment();
        lastEngineError = error != null ? String.valueOf(error) : message;
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
  }
}
