package dev.relaybox.dev;

import dev.relaybox.devstack.DevStack;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Starts the development stack, prints its endpoints and startup time, and stops it. */
@Command(
    name = "devstack",
    mixinStandardHelpOptions = true,
    description = {
      "Start the embedded development stack (PostgreSQL with logical replication, a KRaft Kafka"
          + " broker, the dev schema registry) on 127.0.0.1 and free ports, print the endpoints"
          + " and the startup time, then stop it (or keep it running with --hold).",
      "For development and tests only: production uses your own Postgres, Kafka and registry."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox devstack            # smoke test: start, print, stop",
      "  relaybox devstack --hold     # keep running until Ctrl-C",
      "  relaybox devstack --hold --config-dir dev   # also write dev/relay.properties and",
      "                                              # dev/consumers.properties, then in two",
      "                                              # more terminals:",
      "  relaybox relay --config dev/relay.properties",
      "  relaybox consumers --config dev/consumers.properties"
    })
final class DevStackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--hold", description = "Keep the stack running until interrupted (Ctrl-C).")
  boolean hold;

  @Option(
      names = "--config-dir",
      paramLabel = "DIR",
      description =
          "Create the outbox table and the outbox and dead-letter topics, and write"
              + " relay.properties and consumers.properties pointing at this stack into DIR"
              + " (created if missing; the files hold the dev credentials), for 'relaybox relay'"
              + " and 'relaybox consumers' in other terminals. Use with --hold.")
  Path configDir;

  @Override
  public Integer call() throws InterruptedException, IOException {
    PrintWriter out = spec.commandLine().getOut();
    out.println("Starting the Relaybox devstack...");
    out.flush();
    DevStack stack = DevStack.builder().start();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread closer =
        new Thread(
            () -> {
              stack.close();
              stopped.countDown();
            },
            "devstack-shutdown");
    Runtime.getRuntime().addShutdownHook(closer);
    out.printf("mode               %s%n", stack.mode());
    out.printf(
        "postgres jdbc url  %s (user %s)%n",
        stack.postgres().jdbcUrl(), stack.postgres().username());
    out.printf("kafka bootstrap    %s%n", stack.kafka().bootstrapServers());
    out.printf("schema registry    %s%n", stack.schemaRegistry().url());
    out.printf("payment gateway    %s%n", stack.peers().paymentGateway().url());
    out.printf("fulfillment        %s%n", stack.peers().fulfillment().url());
    out.printf(
        "mail               smtp 127.0.0.1:%d, imap 127.0.0.1:%d%n",
        stack.peers().mail().smtpPort(), stack.peers().mail().imapPort());
    out.printf("ready in           %d ms%n", stack.startupTime().toMillis());
    if (configDir != null) {
      DemoPipeline.prepare(stack);
      writeProperties(configDir.resolve("relay.properties"), stack.relayProperties());
      writeProperties(configDir.resolve("consumers.properties"), stack.consumersProperties());
      out.printf("service configs    %s/{relay,consumers}.properties%n", configDir);
    }
    out.flush();
    if (hold) {
      out.println("Holding; press Ctrl-C to stop.");
      out.flush();
      stopped.await();
      return 0;
    }
    Runtime.getRuntime().removeShutdownHook(closer);
    stack.close();
    out.println("Stopped.");
    return 0;
  }

  private static void writeProperties(Path file, Map<String, String> values) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Properties properties = new Properties();
    properties.putAll(values);
    try (Writer w = Files.newBufferedWriter(file)) {
      properties.store(
          w, "Relaybox devstack endpoints, valid while 'relaybox devstack --hold' runs");
    }
  }
}
