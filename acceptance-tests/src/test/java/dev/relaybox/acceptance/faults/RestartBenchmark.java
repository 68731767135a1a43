package dev.relaybox.acceptance.faults;

import static org.awaitility.Awaitility.await;

import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Restart to ready with and without class-data sharing, for the relay and the consumers host as the
 * images start them ({@code deploy/relaybox.sh}): a start trained by a graceful stop writes the
 * archive; then, round after round, the running incarnation is SIGKILLed and the other variant
 * started at once, alternating, and each restart is timed from the kill to {@code /ready} 200 (the
 * JVM's start, the relay's lock, preparation and engine, or the host's services and group joins).
 * Postgres and Kafka stay up. Not a test: run from {@code acceptance-tests} with the reactor's
 * classpath (README, "Building and testing"):
 *
 * <pre>
 * java -Xmx1g -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
 *     dev.relaybox.acceptance.faults.RestartBenchmark [rounds, 6]
 * </pre>
 */
public final class RestartBenchmark {
  private static final Duration READY = Duration.ofMinutes(2);

  private RestartBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    Path dir = Files.createTempDirectory("relaybox-restart-bench");
    try (DevStack stack = DevStack.builder().start();
        DemoPipeline pipeline =
            DemoPipeline.builder(stack).isolated().startServices(false).start()) {
      pipeline.stopRelay();
      DeployedServices deployed = new DeployedServices(pipeline, dir);
      Path cds = dir.resolve("cds");
      List<ServiceProcess> relays = new ArrayList<>();
      List<ServiceProcess> hosts = new ArrayList<>();
      for (boolean sharing : new boolean[] {false, true}) {
        ServiceProcess.Launch launch = ServiceProcess.Launch.entrypoint(sharing ? cds : null);
        String variant = sharing ? "cds" : "plain";
        relays.add(deployed.relay("relay-" + variant, Map.of(), launch));
        // one static member id for both variants: each restart takes the partitions back
        hosts.add(
            deployed.consumers(
                "consumers-" + variant, Map.of("instance.id", "restart-bench"), launch));
      }
      measure("relay", relays, rounds);
      measure("consumers host", hosts, rounds);
    }
    System.out.printf("load average (1, 5, 15 min): %s%n", FaultReport.loadAverage());
  }

  /** Trains the archive, then alternates SIGKILL → start of the other variant, {@code rounds}×2. */
  private static void measure(String service, List<ServiceProcess> variants, int rounds)
      throws Exception {
    ServiceProcess sharing = variants.get(1);
    sharing.start();
    awaitReady(sharing);
    sharing.stop(); // the graceful stop writes the archive
    List<List<Long>> millis = List.of(new ArrayList<>(), new ArrayList<>());
    ServiceProcess running = variants.get(0);
    running.start();
    awaitReady(running);
    for (int i = 0; i < 2 * rounds; i++) {
      int next = (i + 1) % 2;
      long killed = System.nanoTime();
      running.kill();
      running = variants.get(next);
      running.start();
      awaitReady(running);
      millis.get(next).add((System.nanoTime() - killed) / 1_000_000);
    }
    running.kill();
    System.out.printf(
        "RESTART %s, SIGKILL -> /ready 200 (ms): without class-data sharing %s median %d;"
            + " with %s median %d; load average %s%n",
        service,
        millis.get(0),
        median(millis.get(0)),
        millis.get(1),
        median(millis.get(1)),
        FaultReport.loadAverage());
  }

  private static void awaitReady(ServiceProcess p) {
    await().atMost(READY).pollInterval(Duration.ofMillis(20)).until(() -> p.readyStatus() == 200);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
