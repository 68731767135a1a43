package dev.relaybox.acceptance.faults;

import static org.awaitility.Awaitility.await;

import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.dev.OrderKind;
import dev.relaybox.devstack.DevStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The fault-injection harness: the pipeline as deployed services in processes of their own (two
 * relays of one name, active and standby; the consumers host with the example's payments, email and
 * fulfillment services; Kafka in a child JVM; Postgres, a child process already), orders placed at
 * a steady rate, and a schedule of faults: SIGKILLs of the active relay, the standby and the
 * consumers host (each restarted at once), Kafka restarts, Postgres crashes and a payment gateway
 * outage. Before each fault it waits until the pipeline has caught up (every order placed before
 * the wait began has settled at the third parties, within {@link #CATCH_UP_DEADLINE}; past it the
 * fault is injected anyway and its line says so), so each recovery is measured from a steady state
 * rather than on top of the backlog of the faults before. After each fault it waits until effects
 * flow again end to end, measured at the third parties; at the end it waits for quiescence and
 * counts every order's effects there. Orders keep arriving at the steady rate throughout.
 */
final class FaultHarness {

  /** The run's size; {@link #fromSystemProperties()} documents the keys. */
  record Settings(
      int orders,
      double ratePerSecond,
      int kills,
      int infraRestarts,
      Duration downtime,
      Duration outage,
      Duration recoveryDeadline) {

    /**
     * {@code relaybox.faults.orders} (default 300), {@code .rate} (orders/s, 10), {@code .kills}
     * (of each service, 1), {@code .infraRestarts} (Kafka restarts and Postgres crashes each, 1),
     * {@code .downtimeMs} (how long Kafka and Postgres stay down, 5000), {@code .outageMs} (the
     * gateway outage, 5000). The harness places orders until both the count is reached and every
     * fault was injected and recovered from.
     */
    static Settings fromSystemProperties() {
      return new Settings(
          Integer.getInteger("relaybox.faults.orders", 300),
          Double.parseDouble(System.getProperty("relaybox.faults.rate", "10")),
          Integer.getInteger("relaybox.faults.kills", 1),
          Integer.getInteger("relaybox.faults.infraRestarts", 1),
          Duration.ofMillis(Long.getLong("relaybox.faults.downtimeMs", 5_000)),
          Duration.ofMillis(Long.getLong("relaybox.faults.outageMs", 5_000)),
          Duration.ofMinutes(3));
    }
  }

  private static final Duration START_DEADLINE = Duration.ofMinutes(2);
  private static final Duration SETTLE_DEADLINE = Duration.ofMinutes(10);
  private static final Duration QUIET = Duration.ofSeconds(10);

  /** How long the harness waits for the pipeline to catch up before a fault. */
  static final Duration CATCH_UP_DEADLINE = Duration.ofMinutes(3);

  private static final Duration POLL = Duration.ofMillis(100);

  private final Settings settings;
  private final Path dir;
  private final FaultReport report = new FaultReport();
  private DevStack stack;
  private DemoPipeline pipeline;
  private EffectTimeline timeline;
  private ServiceProcess[] relays;
  private ServiceProcess consumers;

  FaultHarness(Settings settings, Path dir) {
    this.settings = settings;
    this.dir = dir;
  }

  FaultReport run() throws Exception {
    Files.createDirectories(dir);
    try (var old = Files.newDirectoryStream(dir, "*.log")) {
      for (Path log : old) {
        Files.delete(log); // an earlier run's incarnations would read as this run's
      }
    }
    report.loadAverages.add(FaultReport.loadAverage());
    try (DevStack devStack = DevStack.builder().kafkaProcess(true).start()) {
      stack = devStack;
      try (DemoPipeline demo =
          DemoPipeline.builder(stack).isolated().startServices(false).start()) {
        pipeline = demo;
        // The pipeline's own relay created the slot; from here on only the deployed relays run.
        pipeline.stopRelay();
        timeline = new EffectTimeline(stack.peers());
        startServices();
        try {
          runSchedule();
        } finally {
          for (ServiceProcess p : List.of(relays[0], relays[1], consumers)) {
            if (!p.isAlive()) {
              report.exitedByThemselves.add(p.name());
            }
            p.kill();
          }
        }
      }
    }
    report.loadAverages.add(FaultReport.loadAverage());
    return report;
  }

  private void startServices() throws Exception {
    DeployedServices deployed = new DeployedServices(pipeline, dir);
    relays = new ServiceProcess[2];
    for (int i = 0; i < 2; i++) {
      relays[i] =
          deployed.relay(
              "relay-" + (char) ('a' + i),
              Map.of("standby.poll.ms", "250"),
              ServiceProcess.Launch.javaJar());
    }
    consumers =
        deployed.consumers(
            "consumers",
            Map.of(
                // static membership: a restarted host takes its partitions back at once
                "instance.id",
                "faults-" + pipeline.id(),
                // outages make handlers fail for seconds: retry them, never give up on them
                "consumer.max.attempts",
                "1000"),
            ServiceProcess.Launch.javaJar());

    relays[0].start();
    awaitOrFail("relay-a streaming", () -> relays[0].readyStatus() == 200, START_DEADLINE);
    relays[1].start();
    consumers.start();
    awaitRelayPair();
    awaitOrFail("consumers ready", () -> consumers.readyStatus() == 200, START_DEADLINE);
  }

  private void runSchedule() throws Exception {
    report.start = Instant.now();
    AtomicBoolean faultsDone = new AtomicBoolean();
    AtomicLong placed = new AtomicLong();
    Thread placer = new Thread(() -> placeOrders(placed, faultsDone), "fault-harness-orders");
    placer.start();
    try {
      awaitOrFail(
          "effects flowing before the first fault",
          () -> timeline.flowingAgain(report.start).isPresent(),
          START_DEADLINE);
      List<FaultKind> schedule = FaultKind.schedule(settings.kills(), settings.infraRestarts());
      // spread the faults over the time the orders take, one after the other has recovered
      Duration spacing =
          Duration.ofMillis((long) (1000 * settings.orders() / settings.ratePerSecond()))
              .dividedBy(schedule.size() + 1);
      int number = 1;
      for (FaultKind kind : schedule) {
        Instant due = report.start.plus(spacing.multipliedBy(number));
        Duration ahead = Duration.between(Instant.now(), due);
        if (!ahead.isNegative()) {
          Thread.sleep(ahead.toMillis()); // the schedule's pace, not a synchronisation
        }
        String caughtUp = awaitCaughtUp();
        FaultReport.Fault fault = inject(number++, kind, caughtUp);
        report.faults.add(fault);
        System.out.println("FAULTS: " + fault.line(report.start));
        report.loadAverages.add(FaultReport.loadAverage());
      }
    } finally {
      faultsDone.set(true);
      placer.join();
    }
    report.placing = Duration.between(report.start, Instant.now());
    report.orders = placed.get();
    Instant lastOrder = Instant.now();
    awaitOrFail("every order's effects", () -> pipeline.thirdParties().settled(), SETTLE_DEADLINE);
    awaitQuiet();
    report.settling = Duration.between(lastOrder, Instant.now());
    report.verification = pipeline.thirdParties().verify();
  }

  /**
   * Waits until every order placed before now has settled at the third parties (its email, the last
   * effect of every kind of order, was sent), up to {@link #CATCH_UP_DEADLINE}; says how long it
   * took, or that the fault comes on top of a backlog.
   */
  private String awaitCaughtUp() {
    Instant mark = Instant.now();
    try {
      await("caught up")
          .atMost(CATCH_UP_DEADLINE)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> timeline.settledBefore(mark));
      return String.format(
          "caught up in %.1f s", Duration.between(mark, Instant.now()).toMillis() / 1000.0);
    } catch (ConditionTimeoutException e) {
      return "NOT caught up after " + CATCH_UP_DEADLINE.toSeconds() + " s: on top of a backlog";
    }
  }

  private FaultReport.Fault inject(int number, FaultKind kind, String caughtUp) throws Exception {
    Instant back = null;
    Instant takeover = null;
    String note = caughtUp;
    if (kind == FaultKind.RELAY_KILL || kind == FaultKind.STANDBY_KILL) {
      awaitRelayPair();
    }
    if (kind == FaultKind.CONSUMERS_KILL) {
      awaitOrFail("consumers ready", () -> consumers.readyStatus() == 200, START_DEADLINE);
    }
    Instant started = Instant.now();
    switch (kind) {
      case RELAY_KILL -> {
        ServiceProcess active = active().orElseThrow();
        ServiceProcess standby = active == relays[0] ? relays[1] : relays[0];
        active.kill();
        active.start();
        takeover =
            awaitOrFail(
                "a relay streaming", () -> active().isPresent(), settings.recoveryDeadline());
        note +=
            active().map(a -> a == standby ? "; standby took over" : "; restart won").orElse("");
      }
      case STANDBY_KILL -> {
        ServiceProcess active = active().orElseThrow();
        ServiceProcess standby = active == relays[0] ? relays[1] : relays[0];
        standby.kill();
        standby.start();
      }
      case CONSUMERS_KILL -> {
        consumers.kill();
        consumers.start();
      }
      case KAFKA_RESTART -> {
        stack.kafka().stop();
        Thread.sleep(settings.downtime().toMillis()); // the outage itself, not a synchronisation
        stack.kafka().start();
        back = Instant.now();
      }
      case POSTGRES_CRASH -> {
        stack.postgres().crash();
        Thread.sleep(settings.downtime().toMillis()); // the outage itself
        stack.postgres().start();
        back = Instant.now();
      }
      case GATEWAY_OUTAGE -> {
        pipeline.paymentOutage(settings.outage());
        back = started.plus(settings.outage());
      }
    }
    Instant flowing;
    try {
      flowing =
          await("effects flowing again")
              .atMost(settings.recoveryDeadline())
              .pollInterval(POLL)
              .until(() -> timeline.flowingAgain(started), Optional::isPresent)
              .orElseThrow();
    } catch (ConditionTimeoutException e) {
      flowing = null; // reported as never recovered
    }
    return new FaultReport.Fault(number, kind, started, back, takeover, flowing, "(" + note + ")");
  }

  /** Places orders at the steady rate until the count is reached and the faults are done. */
  private void placeOrders(AtomicLong placed, AtomicBoolean faultsDone) {
    long periodNanos = (long) (1e9 / settings.ratePerSecond());
    long next = System.nanoTime();
    int index = 0;
    while (index < settings.orders() || !faultsDone.get()) {
      long wait = next - System.nanoTime();
      try {
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        Instant began = Instant.now();
        OrderKind kind = OrderKind.of(index, true, true);
        timeline.placed(pipeline.placeOrder(index, kind), began);
        placed.incrementAndGet();
        index++;
      } catch (SQLException e) {
        // Postgres is down: this order was not placed (or, if the commit's answer was lost, is
        // not counted: it is not in the verified set); try again at the next tick
        report.placeRetries++;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      // steady, without a burst to catch up after an outage
      next = Math.max(next + periodNanos, System.nanoTime() - periodNanos);
    }
  }

  private Optional<ServiceProcess> active() {
    for (ServiceProcess relay : relays) {
      if (relay.readyStatus() == 200) {
        return Optional.of(relay);
      }
    }
    return Optional.empty();
  }

  /** One relay streaming and the other alive and standing by. */
  private void awaitRelayPair() {
    awaitOrFail(
        "one relay active and one standby",
        () ->
            active()
                .map(a -> a == relays[0] ? relays[1] : relays[0])
                .map(s -> s.readyBody().contains("standby"))
                .orElse(false),
        START_DEADLINE);
  }

  /** Waits until no effect was executed for {@link #QUIET}; gives up quietly at the deadline. */
  private void awaitQuiet() {
    AtomicLong last = new AtomicLong(timeline.effects());
    AtomicReference<Instant> quietSince = new AtomicReference<>(Instant.now());
    try {
      await("quiescence")
          .atMost(SETTLE_DEADLINE)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                long now = timeline.effects();
                if (last.getAndSet(now) != now) {
                  quietSince.set(Instant.now());
                }
                return Duration.between(quietSince.get(), Instant.now()).compareTo(QUIET) >= 0;
              });
    } catch (ConditionTimeoutException e) {
      // still busy after the deadline: the verification says what is missing or doubled
    }
  }

  private static Instant awaitOrFail(String what, Callable<Boolean> condition, Duration timeout) {
    try {
      await(what).atMost(timeout).pollInterval(POLL).until(condition);
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("fault harness: no " + what + " within " + timeout, e);
    }
    return Instant.now();
  }
}
