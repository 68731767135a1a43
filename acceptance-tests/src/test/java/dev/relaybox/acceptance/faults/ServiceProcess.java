package dev.relaybox.acceptance.faults;

import dev.relaybox.runtime.RelayboxCli;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One deployed service, {@code java -jar <distribution jar> <command> --config <file>}, in a child
 * JVM with an explicit heap, its secrets in the environment as in production, and a fixed HTTP port
 * so a restarted incarnation answers where the old one did. Each incarnation logs to a file of its
 * own. The jars are the ones the reactor packaged ({@code runtime/target/relaybox.jar}, {@code
 * dev/target/relaybox-dev.jar}); without them (a run without {@code -am}) the test classpath.
 */
final class ServiceProcess {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String name;
  private final Path jar;
  private final String command;
  private final Path config;
  private final Map<String, String> env;
  private final int httpPort;
  private final Path logDir;
  private int incarnation;
  private Process process;

  ServiceProcess(
      String name,
      Path jar,
      String command,
      Path config,
      Map<String, String> env,
      int httpPort,
      Path logDir) {
    this.name = name;
    this.jar = jar;
    this.command = command;
    this.config = config;
    this.env = Map.copyOf(env);
    this.httpPort = httpPort;
    this.logDir = logDir;
  }

  String name() {
    return name;
  }

  synchronized void start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is running already");
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-XX:+UseSerialGC"));
    if (Files.isRegularFile(jar)) {
      args.addAll(List.of("-jar", jar.toString()));
    } else {
      String classpath =
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      args.addAll(List.of("-cp", classpath, RelayboxCli.class.getName()));
    }
    args.addAll(List.of(command, "--config", config.toString()));
    ProcessBuilder pb = new ProcessBuilder(args);
    pb.environment().putAll(env);
    Path log = logDir.resolve(name + "-" + incarnation++ + ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    process = pb.start();
  }

  /** SIGKILL, and wait until the process is gone. */
  synchronized void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor();
    }
  }

  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** {@code /ready}'s status, or -1 while the process does not answer. */
  int readyStatus() {
    return get("/ready").statusCode;
  }

  /** {@code /ready}'s body, or empty while the process does not answer. */
  String readyBody() {
    return get("/ready").body;
  }

  private record Answer(int statusCode, String body) {}

  private Answer get(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(2))
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      return new Answer(-1, "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "");
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
