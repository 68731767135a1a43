package dev.relaybox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RelayboxCliTest {

  @Test
  void helpListsTheCommandsAndExitCodes() {
    StringWriter out = new StringWriter();
    CommandLine cli = RelayboxCli.commandLine();
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute("--help")).isZero();
    assertThat(out.toString()).contains("devstack").contains("Exit codes");
  }

  @Test
  void unknownCommandIsAUsageError() {
    StringWriter err = new StringWriter();
    CommandLine cli = RelayboxCli.commandLine();
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("no-such-command")).isEqualTo(2);
    assertThat(err.toString()).contains("no-such-command");
  }
}
