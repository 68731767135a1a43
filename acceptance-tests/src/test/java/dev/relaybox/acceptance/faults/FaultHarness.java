package dev.relaybox.acceptance.faults;

import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.dev.OrderKind;
import dev.relaybox.devstack.DevStack;
import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The fault-injection harness: the pipeline as deployed services in processes of their own (two
 * relays of one name, active and standby; the consumers host with the example's payments, email and
 * fulfillment services; Kafka in a child JVM; Postgres, a child process already), orders placed at
 * a steady rate, and a schedule of faults: SIGKILLs of the active relay, the standby and the
 * consumers host (each restarted at once), Kafka restarts, Postgres crashes and a payment gateway
 * outage. After each fault it waits until effects flow again end to end, measured at the third
 * parties; at the end it waits for quiescence and counts every order's effects there.
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

  /** The production jar for the relays, the dev jar (with the example's services) for the host. */
  private static final Path RELAY_JAR = Path.of("..", "runtime", "target", "relaybox.jar");

  private static final Path DEV_JAR = Path.of("..", "dev", "target", "relaybox-dev.jar");

  private static final Duration START_DEADLINE = Duration.ofMinutes(2);
  private static final Duration SETTLE_DEADLINE = Duration.ofMinutes(10);
  private static final Duration QUIET = Duration.ofSeconds(10);

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
    Map<String, String> relay = new LinkedHashMap<>(pipeline.relayProperties());
    Map<String, String> relayEnv =
        Map.of("RELAYBOX_PG_PASSWORD", relay.remove("pg.password"), "RELAYBOX_LOG_LEVEL", "INFO");
    relay.put("http.host", "127.0.0.1");
    relay.put("standby.poll.ms", "250");
    relays = new ServiceProcess[2];
    for (int i = 0; i < 2; i++) {
      int port = freePort();
      relay.put("http.port", Integer.toString(port));
      String name = "relay-" + (char) ('a' + i);
      relays[i] =
          new ServiceProcess(name, RELAY_JAR, "relay", write(name, relay), relayEnv, port, dir);
    }
    Map<String, String> host = pipeline.hostProperties();
    Map<String, String> hostEnv =
        Map.of(
            "RELAYBOX_PG_PASSWORD", host.remove("pg.password"),
            "RELAYBOX_EMAIL_PASSWORD", host.remove("email.password"),
            "RELAYBOX_LOG_LEVEL", "INFO");
    int hostPort = freePort();
    host.put("http.port", Integer.toString(hostPort));
    // static membership: a restarted host takes its partitions back at once
    host.put("instance.id", "faults-" + pipeline.id());
    // outages make handlers fail for seconds: retry them, never give up on them
    host.put("consumer.max.attempts", "1000");
    consumers =
        new ServiceProcess(
            "consumers", DEV_JAR, "consumers", write("consumers", host), hostEnv, hostPort, dir);

    relays[0].start();
    await("relay-a streaming", () -> relays[0].readyStatus() == 200, START_DEADLINE);
    relays[1].start();
    consumers.start();
    awaitRelayPair();
    await("consumers ready", () -> consumers.readyStatus() == 200, START_DEADLINE);
  }

  private void runSchedule() throws Exception {
    report.start = Instant.now();
    AtomicBoolean faultsDone = new AtomicBoolean();
    AtomicLong placed = new AtomicLong();
    Thread placer = new Thread(() -> placeOrders(placed, faultsDone), "fault-harness-orders");
    placer.start();
    try {
      await(
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
        while (Instant.now().isBefore(due)) {
          Thread.sleep(100); // the schedule's pace, not a synchronisation
        }
        FaultReport.Fault fault = inject(number++, kind);
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
    await("every order's effects", () -> pipeline.thirdParties().settled(), SETTLE_DEADLINE);
    awaitQuiet();
    report.settling = Duration.between(lastOrder, Instant.now());
    report.verification = pipeline.thirdParties().verify();
  }

  private FaultReport.Fault inject(int number, FaultKind kind) throws Exception {
    Instant back = null;
    Instant takeover = null;
    String note = "";
    if (kind == FaultKind.RELAY_KILL || kind == FaultKind.STANDBY_KILL) {
      awaitRelayPair();
    }
    if (kind == FaultKind.CONSUMERS_KILL) {
      await("consumers ready", () -> consumers.readyStatus() == 200, START_DEADLINE);
    }
    Instant started = Instant.now();
    switch (kind) {
      case RELAY_KILL -> {
        ServiceProcess active = active().orElseThrow();
        ServiceProcess standby = active == relays[0] ? relays[1] : relays[0];
        active.kill();
        active.start();
        takeover =
            await("a relay streaming", () -> active().isPresent(), settings.recoveryDeadline());
        note = active().map(a -> a == standby ? "(standby took over)" : "(restart won)").orElse("");
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
    Optional<Instant> flowing = Optional.empty();
    long deadline = System.nanoTime() + settings.recoveryDeadline().toNanos();
    while (flowing.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      flowing = timeline.flowingAgain(started);
    }
    return new FaultReport.Fault(number, kind, started, back, takeover, flowing.orElse(null), note);
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
  private void awaitRelayPair() throws InterruptedException {
    await(
        "one relay active and one standby",
        () ->
            active()
                .map(a -> a == relays[0] ? relays[1] : relays[0])
                .map(s -> s.readyBody().contains("standby"))
                .orElse(false),
        START_DEADLINE);
  }

  private void awaitQuiet() throws InterruptedException {
    long last = timeline.effects();
    Instant quietSince = Instant.now();
    Instant deadline = Instant.now().plus(SETTLE_DEADLINE);
    while (Duration.between(quietSince, Instant.now()).compareTo(QUIET) < 0
        && Instant.now().isBefore(deadline)) {
      Thread.sleep(500);
      long now = timeline.effects();
      if (now != last) {
        last = now;
        quietSince = Instant.now();
      }
    }
  }

  private static Instant await(String what, BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("fault harness: no " + what + " within " + timeout);
      }
      Thread.sleep(100);
    }
    return Instant.now();
  }

  private Path write(String name, Map<String, String> values) throws IOException {
    Path file = dir.resolve(name + ".properties");
    Properties properties = new Properties();
    properties.putAll(values);
    try (Writer w = Files.newBufferedWriter(file)) {
      properties.store(w, "fault harness: " + name + " (secrets are in the environment)");
    }
    return file;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
