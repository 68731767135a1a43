package dev.relaybox.runtime;

import dev.relaybox.relay.RelayApplication;
import dev.relaybox.relay.RelayConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the CDC relay service until SIGTERM. */
@Command(
    name = "relay",
    mixinStandardHelpOptions = true,
    description = {
      "Run the CDC relay: tail the outbox table through Postgres logical replication (embedded"
          + " Debezium, pgoutput) and publish every committed event to Kafka.",
      "Configuration keys and defaults: cdc-relay/README.md. Environment variables override the"
          + " file: RELAYBOX_<KEY> with dots as underscores, e.g. RELAYBOX_PG_PASSWORD."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox relay --config relay.properties",
      "  RELAYBOX_PG_PASSWORD=secret relaybox relay --config relay.properties",
      "",
      "Serves /health, /ready and /metrics on http.port, also while it waits for Postgres or"
          + " Kafka at start. Stops gracefully on SIGTERM.",
      "Exit codes: 0 stopped, 1 failed (the log says why and what to do), 2 bad configuration."
    })
final class RelayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--config", required = true, description = "The relay properties file.")
  Path config;

  @Override
  public Integer call() {
    RelayConfig relayConfig;
    try {
      relayConfig =
          RelayConfig.builder().load(config).overrideFromEnvironment(System::getenv).build();
    } catch (IllegalArgumentException | IOException e) {
      spec.commandLine().getErr().println("relaybox relay: " + e.getMessage());
      spec.commandLine().getErr().println("usage: relaybox relay --config <relay.properties>");
      return 2;
    }
    Tracing.installIfConfigured("relaybox-relay");
    return RelayApplication.run(relayConfig);
  }
}
