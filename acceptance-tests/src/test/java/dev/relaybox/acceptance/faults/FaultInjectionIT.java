package dev.relaybox.acceptance.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The fault-injection harness ({@link FaultHarness}), small in {@code verify}: one SIGKILL of the
 * active relay, the standby and the consumers host, one Kafka restart, one Postgres crash and a
 * gateway outage while 300 orders flow, each fault once the pipeline has caught up with the orders
 * placed before it (so each recovery starts from a steady state, not from the previous fault's
 * backlog). Every order's effects are counted at the third parties: 0 lost, 0 doubled, and every
 * fault recovered from. Recovery times are printed, not asserted (the machine is shared). The
 * issue-sized run is a soak with its own command (README, "Fault injection"):
 *
 * <pre>
 * ./mvnw -B verify -pl acceptance-tests -am -Dit.test=FaultInjectionIT -Dtest=none \
 *   -Drelaybox.faults.orders=5000 -Drelaybox.faults.kills=5 -Drelaybox.faults.infraRestarts=2
 * </pre>
 */
class FaultInjectionIT {

  @Test
  void everyServiceKilledAndEveryDependencyRestartedLosesAndDoublesNothing() throws Exception {
    FaultHarness.Settings settings = FaultHarness.Settings.fromSystemProperties();
    FaultReport report = new FaultHarness(settings, Path.of("target", "faults")).run();
    report.print(System.out);

    assertThat(report.orders).isGreaterThanOrEqualTo(settings.orders());
    assertThat(report.faults)
        .hasSize(3 * settings.kills() + 2 * settings.infraRestarts() + 1)
        .allSatisfy(f -> assertThat(f.flowing()).as(f.line(report.start)).isNotNull());
    assertThat(report.exitedByThemselves).as("services that exited by themselves").isEmpty();
    assertThat(report.verification.lost()).as("orders missing an effect").isZero();
    assertThat(report.verification.doubled()).as("orders with an effect twice").isZero();
  }
}
