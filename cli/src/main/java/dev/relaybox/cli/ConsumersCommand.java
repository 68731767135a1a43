package dev.relaybox.cli;

import dev.relaybox.consumers.app.ConsumersApplication;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the consumer services (payments, email, fulfillment) until SIGTERM. */
@Command(
    name = "consumers",
    mixinStandardHelpOptions = true,
    description = {
      "Run the consumer services: payments (charges and refunds through the gateway), email"
          + " (confirmations and cancellations by SMTP) and fulfillment (shipments, out-of-stock"
          + " compensation). Each records event ids in its processed-keys table in the same"
          + " transaction as its effect, so every effect happens exactly once.",
      "Configuration keys and defaults: consumers/README.md. Environment variables override the"
          + " file: RELAYBOX_<KEY> with dots as underscores, e.g. RELAYBOX_PG_PASSWORD."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox consumers --config consumers.properties",
      "  RELAYBOX_SERVICES=payments relaybox consumers --config consumers.properties",
      "",
      "Serves /health, /ready and /metrics on http.port. Stops gracefully on SIGTERM.",
      "Exit codes: 0 stopped, 1 failed to start, 2 bad configuration."
    })
final class ConsumersCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "The consumers properties file.")
  Path config;

  @Override
  public Integer call() {
    return ConsumersApplication.run(new String[] {"--config", config.toString()});
  }
}
