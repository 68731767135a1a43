package dev.relaybox.runtime;

import dev.relaybox.console.Console;
import dev.relaybox.console.ConsoleConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Serves the operations console until SIGTERM. */
@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the operations console: the pipeline live (outbox, relay slot lag, topics, consumer"
          + " group lag, parked keys, dead events, service readiness, the last hour as charts),"
          + " retries and dead events per group with their actions, the trace of an event or"
          + " aggregate id from its outbox row to its effects, topic sizes, replays and outbox"
          + " republishes with the command line's safety checks.",
      "Configuration keys and defaults: console/README.md. Environment variables override the"
          + " file: RELAYBOX_<KEY> with dots as underscores, e.g. RELAYBOX_PG_PASSWORD,"
          + " RELAYBOX_AUTH_TOKEN."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox console --config console.properties",
      "  RELAYBOX_AUTH_TOKEN=$(openssl rand -hex 24) RELAYBOX_HTTP_HOST=0.0.0.0"
          + " relaybox console --config console.properties",
      "",
      "Binds 127.0.0.1 unless a token or basic credentials are set. Stops on SIGTERM.",
      "Exit codes: 0 stopped, 1 could not serve (address in use), 2 bad configuration."
    })
final class ConsoleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--config", required = true, description = "The console properties file.")
  Path config;

  @Override
  public Integer call() throws InterruptedException {
    ConsoleConfig consoleConfig;
    try {
      consoleConfig =
          ConsoleConfig.builder().load(config).overrideFromEnvironment(System::getenv).build();
    } catch (IllegalArgumentException | IOException e) {
      spec.commandLine().getErr().println("relaybox console: " + e.getMessage());
      spec.commandLine().getErr().println("usage: relaybox console --config <console.properties>");
      return 2;
    }
    Console console;
    try {
      console = Console.start(consoleConfig);
    } catch (IOException e) {
      spec.commandLine().getErr().println("relaybox console: cannot serve: " + e.getMessage());
      return RelayboxCli.EXIT_FAILED;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(console::close, "relaybox-console-shutdown"));
    spec.commandLine().getOut().println("Relaybox console at " + console.url());
    spec.commandLine().getOut().flush();
    console.awaitClosed();
    return 0;
  }
}
