package dev.relaybox.runtime;

import dev.relaybox.devstack.DevStack;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;

/**
 * Runs the relaybox command line in-process and captures its exit code and output; shared with the
 * dev distribution's and the acceptance tests (the runtime's test jar).
 */
public record CliRun(int exit, String out, String err) {
  /** The password in {@link #withUnreachablePostgres}'s URL; output must never show it. */
  public static final String URL_PASSWORD = "hunter2";

  /** Runs {@code args} on the runtime's command line. */
  public static CliRun of(String... args) {
    return on(RelayboxCli.commandLine(e -> false), args);
  }

  /** Runs {@code args} on {@code cli}, e.g. the dev distribution's command line. */
  public static CliRun on(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  /**
   * Writes a relay configuration for {@code --config}: the stack's relay properties, {@code
   * http.port=-1}, then {@code overrides}.
   */
  public static Path relayConfig(DevStack stack, Path file, Map<String, String> overrides)
      throws IOException {
    Properties p = new Properties();
    stack.relayProperties().forEach(p::setProperty);
    p.setProperty("http.port", "-1");
    overrides.forEach(p::setProperty);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "relay under test");
    }
    return file;
  }

  /**
   * Runs {@code command} (its words separated by spaces, e.g. {@code "outbox republish"}) against
   * the stack's Postgres: with its {@code --jdbc-url} and {@code --pg-user}, then {@code options}.
   */
  public static CliRun withPostgres(DevStack stack, String command, String... options) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.addAll(
        List.of(
            "--jdbc-url", stack.postgres().jdbcUrl(), "--pg-user", stack.postgres().username()));
    args.addAll(List.of(options));
    return of(args.toArray(String[]::new));
  }

  /**
   * Runs {@code command} (its words separated by spaces, e.g. {@code "dlq list"}) against the
   * stack's Kafka: with its {@code --bootstrap-servers}, then {@code options}.
   */
  public static CliRun withKafka(DevStack stack, String command, String... options) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.addAll(List.of("--bootstrap-servers", stack.kafka().bootstrapServers()));
    args.addAll(List.of(options));
    return of(args.toArray(String[]::new));
  }

  /**
   * Runs {@code command} with a {@code --jdbc-url} on a port nothing listens on, carrying {@link
   * #URL_PASSWORD} in its parameters, then {@code options}.
   */
  public static CliRun withUnreachablePostgres(String command, String... options)
      throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.addAll(
        List.of(
            "--jdbc-url",
            "jdbc:postgresql://127.0.0.1:"
                + closedPort
                + "/app?connectTimeout=2&password="
                + URL_PASSWORD));
    args.addAll(List.of(options));
    return of(args.toArray(String[]::new));
  }
}
