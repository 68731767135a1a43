package dev.relaybox.cli;

import dev.relaybox.devstack.DevStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the relaybox command line in-process and captures its exit code and output. */
record CliRun(int exit, String out, String err) {
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = RelayboxCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  /**
   * Runs {@code command} (its words separated by spaces, e.g. {@code "outbox republish"}) against
   * the stack's Postgres: with its {@code --jdbc-url} and {@code --pg-user}, then {@code options}.
   */
  static CliRun withPostgres(DevStack stack, String command, String... options) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.addAll(
        List.of(
            "--jdbc-url", stack.postgres().jdbcUrl(), "--pg-user", stack.postgres().username()));
    args.addAll(List.of(options));
    return of(args.toArray(String[]::new));
  }
}
