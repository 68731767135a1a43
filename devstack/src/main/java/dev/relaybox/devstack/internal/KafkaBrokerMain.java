package dev.relaybox.devstack.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The dev stack's broker in a JVM of its own: {@code KafkaBrokerMain <logDir> <port>
 * <controllerPort> <partitions>} runs it until SIGTERM (controlled shutdown) or SIGKILL. Started by
 * {@link EmbeddedKafkaService} for a stack built with {@code kafkaProcess(true)}.
 */
public final class KafkaBrokerMain {
  /** The child's heap: the broker's page cache is the OS's, its heap stays small. */
  static final String HEAP = "-Xmx768m";

  private KafkaBrokerMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 4) {
      System.err.println("usage: KafkaBrokerMain <logDir> <port> <controllerPort> <partitions>");
      System.exit(2);
    }
    EmbeddedKafkaService broker =
        new EmbeddedKafkaService(
            Path.of(args[0]),
            Integer.parseInt(args[1]),
            Integer.parseInt(args[2]),
            Integer.parseInt(args[3]),
            false);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  broker.stop();
                  stopped.countDown();
                },
                "kafka-broker-shutdown"));
    // A broker that outlives the JVM that started it would hold its ports and log dir.
    ProcessHandle.current()
        .parent()
        .ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(0)));
    broker.start();
    stopped.await();
  }

  /** Starts a broker child JVM with this JVM's classpath; its output goes next to its log dir. */
  static Process launch(Path logDir, int port, int controllerPort, int partitions)
      throws IOException {
    Files.createDirectories(logDir);
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP,
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                KafkaBrokerMain.class.getName(),
                logDir.toString(),
                Integer.toString(port),
                Integer.toString(controllerPort),
                Integer.toString(partitions)));
    Path output = logDir.resolveSibling("kafka-broker.log");
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
        .start();
  }
}
