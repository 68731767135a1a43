package dev.relaybox.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RelayboxCliTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = RelayboxCli.commandLine(e -> false);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void helpListsTheServiceAndOperationsCommandsButNoDevCommand() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains("relay", "consumers", "status", "replay", "dlq", "outbox", "Exit codes")
        .doesNotContain("demo", "devstack", "peers");
  }

  @Test
  void unknownCommandIsAUsageError() {
    assertThat(run("no-such-command")).isEqualTo(2);
    assertThat(err.toString()).contains("no-such-command");
  }

  @Test
  void aMissingConfigurationFileIsNamedWithTheCommandsUsage(@TempDir Path dir) {
    Path missing = dir.resolve("missing.properties");
    assertThat(run("relay", "--config", missing.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("relaybox relay: configuration file " + missing + " does not exist")
        .contains("usage: relaybox relay --config <relay.properties>")
        .doesNotContain("RelayApplication");
  }

  @Test
  void aMisspelledKeyIsReportedAsUnknownWithTheNearestKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("relay.properties");
    Files.writeString(file, "kafka.bootstrapp.servers=k:9092\npg.database=app\npg.user=u\n");
    assertThat(run("relay", "--config", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "relay: unknown property 'kafka.bootstrapp.servers'; did you mean"
                + " 'kafka.bootstrap.servers'?");
  }

  @Test
  void consumersReportBadConfigurationWithTheirUsage(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("consumers.properties");
    Files.writeString(file, "pg.prot=5432\n");
    assertThat(run("consumers", "--config", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("relaybox consumers: ")
        .contains("usage: relaybox consumers --config <consumers.properties>");
  }
}
