package dev.relaybox.runtime;

import dev.relaybox.consumers.host.ConsumerService;
import dev.relaybox.consumers.host.HostConfig;
import dev.relaybox.consumers.host.ServiceHost;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the consumer services found on the classpath until SIGTERM. */
@Command(
    name = "consumers",
    mixinStandardHelpOptions = true,
    description = {
      "Run consumer services: every service on the classpath that registers a"
          + " dev.relaybox.consumers.host.ConsumerService (META-INF/services), or those named by"
          + " 'services'. Each records event ids in its processed-keys table in the same"
          + " transaction as its effect, so every effect happens exactly once.",
      "Put your services' jars on the classpath: java -cp relaybox.jar:my-services.jar"
          + " dev.relaybox.runtime.RelayboxCli consumers --config consumers.properties",
      "Configuration keys and defaults: consumers/README.md. Environment variables override the"
          + " file: RELAYBOX_<KEY> with dots as underscores, e.g. RELAYBOX_PG_PASSWORD."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox consumers --config consumers.properties",
      "  RELAYBOX_SERVICES=payments relaybox consumers --config consumers.properties",
      "",
      "Serves /health, /ready and /metrics on http.port, also while it waits for Postgres at"
          + " start. Stops gracefully on SIGTERM.",
      "Exit codes: 0 stopped, 1 failed to start, 2 bad configuration."
    })
final class ConsumersCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ConsumersCommand.class);

  @Spec CommandSpec spec;

  @Option(names = "--config", required = true, description = "The consumers properties file.")
  Path config;

  @Override
  public Integer call() {
    HostConfig hostConfig;
    try {
      hostConfig = HostConfig.fromFile(config).overrideFromEnvironment(System::getenv).build();
    } catch (IllegalArgumentException | IOException e) {
      spec.commandLine().getErr().println("relaybox consumers: " + e.getMessage());
      spec.commandLine()
          .getErr()
          .println("usage: relaybox consumers --config <consumers.properties>");
      return 2;
    }
    Tracing.installIfConfigured("relaybox-consumers");
    log.info(
        "starting consumer services {}",
        hostConfig.services().stream().map(ConsumerService::name).toList());
    ServiceHost host;
    try {
      // Serves /health and /ready at once; waits for Postgres in the background.
      host = ServiceHost.launch(hostConfig);
    } catch (RuntimeException e) {
      log.error("consumers failed to start: {}", e.toString(), e);
      return RelayboxCli.EXIT_FAILED;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(host::close, "relaybox-consumers-shutdown"));
    try {
      host.awaitClosed();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      host.close();
    }
    if (host.failure().isPresent()) {
      return RelayboxCli.EXIT_FAILED;
    }
    return 0;
  }
}
