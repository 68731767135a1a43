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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.jar.JarFile;

/**
 * One deployed service, {@code <distribution jar> <command> --config <file>}, in a child JVM with
 * an explicit heap, its secrets in the environment as in production, and a fixed HTTP port so a
 * restarted incarnation answers where the old one did. Each incarnation logs to a file of its own.
 * The jars are the ones the reactor packaged ({@code runtime/target/relaybox.jar}, {@code
 * dev/target/relaybox-dev.jar}); without them (a run without {@code -am}) the test classpath. It
 * starts with {@code java -jar}, or as the images start it: through their entrypoint script ({@link
 * Launch#entrypoint}).
 */
final class ServiceProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private static final List<String> HEAP_AND_GC = List.of("-Xmx512m", "-XX:+UseSerialGC");

  /** The images' entrypoint, {@code deploy/relaybox.sh}. */
  static final Path ENTRYPOINT = Path.of("..", "deploy", "relaybox.sh");

  /**
   * How a service is started: {@code java -jar}, or the entrypoint script with its class-data
   * sharing archives in {@code cdsDir} (null: none) and {@code javaOptions} added to the heap and
   * GC settings; {@code java} the launcher (null: this JVM's).
   */
  record Launch(boolean entrypoint, Path cdsDir, List<String> javaOptions, Path java) {
    static Launch javaJar() {
      return new Launch(false, null, List.of(), null);
    }

    static Launch entrypoint(Path cdsDir, String... javaOptions) {
      return new Launch(true, cdsDir, List.of(javaOptions), null);
    }

    /** This launch with another JDK's {@code java}. */
    Launch withJava(Path launcher) {
      return new Launch(entrypoint, cdsDir, javaOptions, launcher);
    }
  }

  private final String name;
  private final Path jar;
  private final String command;
  private final Path config;
  private final Map<String, String> env;
  private final int httpPort;
  private final Path logDir;
  private final Launch launch;
  private int incarnation;
  private Process process;

  ServiceProcess(
      String name,
      Path jar,
      String command,
      Path config,
      Map<String, String> env,
      int httpPort,
      Path logDir,
      Launch launch) {
    this.name = name;
    this.jar = jar;
    this.command = command;
    this.config = config;
    this.env = Map.copyOf(env);
    this.httpPort = httpPort;
    this.logDir = logDir;
    this.launch = launch;
  }

  String name() {
    return name;
  }

  synchronized void start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is running already");
    }
    String java =
        Objects.requireNonNullElse(
                launch.java(), Path.of(System.getProperty("java.home"), "bin", "java"))
            .toString();
    List<String> args = new ArrayList<>();
    Map<String, String> launchEnv = new HashMap<>();
    if (launch.entrypoint()) {
      args.addAll(List.of("sh", ENTRYPOINT.toString()));
      launchEnv.putAll(
          Map.of(
              "RELAYBOX_HOME", logDir.resolve("home").toString(),
              "RELAYBOX_JAR", jar.toAbsolutePath().toString(),
              "RELAYBOX_MAIN", mainClass(jar),
              "RELAYBOX_CDS_DIR", Objects.toString(launch.cdsDir(), ""),
              "JAVA", java,
              "JAVA_OPTS",
                  String.join(" ", HEAP_AND_GC) + " " + String.join(" ", launch.javaOptions())));
    } else {
      args.add(java);
      args.addAll(HEAP_AND_GC);
      if (Files.isRegularFile(jar)) {
        args.addAll(List.of("-jar", jar.toString()));
      } else {
        String classpath =
            System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        args.addAll(List.of("-cp", classpath, RelayboxCli.class.getName()));
      }
    }
    args.addAll(List.of(command, "--config", config.toString()));
    ProcessBuilder pb = new ProcessBuilder(args);
    pb.environment().putAll(env);
    pb.environment().putAll(launchEnv);
    Path log = logDir.resolve(name + "-" + incarnation++ + ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    process = pb.start();
  }

  private static String mainClass(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.getManifest().getMainAttributes().getValue("Main-Class");
    }
  }

  /** The log of the latest incarnation. */
  synchronized Path log() {
    return logDir.resolve(name + "-" + (incarnation - 1) + ".log");
  }

  /** SIGTERM, as a deploy stops a service, and wait until it has stopped. */
  synchronized int stop() throws InterruptedException {
    process.destroy();
    return process.waitFor();
  }

  /** SIGKILL, and wait until the process is gone. */
  synchronized void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor();
    }
  }

  /** {@link #kill}: a test that fails half-way leaves no service running. */
  @Override
  public void close() throws InterruptedException {
    kill();
  }

  synchronized long pid() {
    return process.pid();
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
