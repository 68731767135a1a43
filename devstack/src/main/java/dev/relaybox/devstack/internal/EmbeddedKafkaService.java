package dev.relaybox.devstack.internal;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft broker (combined broker and controller) from the Apache Kafka jars, on fixed
 * loopback ports and log directory so it can be restarted in place: in this JVM, or in a child JVM
 * ({@link KafkaBrokerMain}) when the stack is built with {@code kafkaProcess(true)}, so a harness
 * can stop and kill it like a deployed broker.
 */
final class EmbeddedKafkaService implements DevStack.Kafka {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaService.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private final Path logDir;
  private final int port;
  private final int controllerPort;
  private final int partitions;
  private final boolean childProcess;
  private KafkaRaftServer server;
  private Process child;

  EmbeddedKafkaService(Path runDir, int partitions, boolean childProcess) {
    this(runDir.resolve("kafka"), Ports.freePort(), Ports.freePort(), partitions, childProcess);
  }

  EmbeddedKafkaService(
      Path logDir, int port, int controllerPort, int partitions, boolean childProcess) {
    this.logDir = logDir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.partitions = partitions;
    this.childProcess = childProcess;
  }

  @Override
  public synchronized void start() {
    if (server != null || child != null) {
      return;
    }
    try {
      if (childProcess) {
        child = KafkaBrokerMain.launch(logDir, port, controllerPort, partitions);
        KafkaAdmins.awaitReady(bootstrapServers(), READY_TIMEOUT);
        log.info(
            "devstack: kafka ready in child pid={} bootstrapServers={} logDir={}",
            child.pid(),
            bootstrapServers(),
            logDir);
        return;
      }
      Properties props = brokerProperties();
      formatIfNeeded(props);
      KafkaRaftServer raftServer =
          new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      raftServer.startup();
      server = raftServer;
      KafkaAdmins.awaitReady(bootstrapServers(), READY_TIMEOUT);
      log.info("devstack: kafka ready bootstrapServers={} logDir={}", bootstrapServers(), logDir);
    } catch (RuntimeException | IOException e) {
      stop();
      throw new DevStackException(
          "devstack: Kafka broker did not start on "
              + bootstrapServers()
              + " (log dir "
              + logDir
              + "): "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public synchronized void stop() {
    if (child != null) {
      stopChild();
      return;
    }
    if (server == null) {
      return;
    }
    try {
      server.shutdown();
      server.awaitShutdown();
      log.info("devstack: kafka stopped bootstrapServers={}", bootstrapServers());
    } finally {
      server = null;
    }
  }

  /** SIGTERM (the broker shuts down in a controlled way), SIGKILL if it is not gone in time. */
  private void stopChild() {
    try {
      child.destroy();
      if (!child.waitFor(STOP_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
        log.warn(
            "devstack: kafka pid={} still running after {}; killing it", child.pid(), STOP_TIMEOUT);
        child.destroyForcibly().waitFor();
      }
      log.info("devstack: kafka child stopped bootstrapServers={}", bootstrapServers());
    } catch (InterruptedException e) {
      child.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      child = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return server != null || child != null;
  }

  @Override
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void createTopic(String name, int topicPartitions) {
    KafkaAdmins.createTopic(bootstrapServers(), name, topicPartitions);
  }

  Properties brokerProperties() {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", Integer.toString(partitions));
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "true");
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    // keep restarts quick: a stopped broker must come back within a test's deadline
    p.put("controlled.shutdown.enable", "true");
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
    return p;
  }

  void formatIfNeeded(Properties props) throws IOException {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    Files.createDirectories(logDir);
    Path config = logDir.getParent().resolve("kafka-server.properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      props.store(out, "devstack broker");
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int exit;
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      exit =
          StorageTool.execute(
              new String[] {
                "format",
                "--cluster-id",
                Uuid.randomUuid().toString(),
                "--config",
                config.toString(),
                "--ignore-formatted"
              },
              print);
    }
    if (exit != 0) {
      throw new DevStackException(
          "devstack: formatting Kafka storage failed (exit "
              + exit
              + "): "
              + output.toString(StandardCharsets.UTF_8));
    }
  }

  @Override
  public String toString() {
    return "kafka(" + bootstrapServers() + ")";
  }
}
