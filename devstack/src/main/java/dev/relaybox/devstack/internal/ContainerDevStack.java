package dev.relaybox.devstack.internal;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackException;
import dev.relaybox.devstack.StackMode;
import dev.relaybox.devstack.peers.Peers;
import java.net.HttpURLConnection;
import java.net.URI;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same stack on Testcontainers, for machines with a Docker engine. Host ports are fixed at
 * creation (free loopback ports) so that a component stopped and started again keeps its address,
 * as in embedded mode.
 */
final class ContainerDevStack {
  static final String POSTGRES_IMAGE = "postgres:17";
  static final String KAFKA_IMAGE = "apache/kafka:4.1.0";
  static final String REGISTRY_IMAGE = "confluentinc/cp-schema-registry:7.9.0";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private ContainerDevStack() {}

  static DevStack start(DevStack.Builder builder) {
    long started = System.nanoTime();
    Network network = Network.newNetwork();
    PostgresContainerService postgres =
        builder.postgres() ? new PostgresContainerService(builder, network) : null;
    // Confluent's registry stores its schemas in Kafka, so it brings a broker along.
    boolean needKafka = builder.kafka() || builder.schemaRegistry();
    KafkaContainerService kafka =
        needKafka ? new KafkaContainerService(builder.kafkaPartitions(), network) : null;
    RegistryContainerService registry =
        builder.schemaRegistry() ? new RegistryContainerService(network) : null;
    List<DevStack.Restartable> components = new ArrayList<>();
    if (postgres != null) {
      components.add(postgres);
    }
    if (kafka != null) {
      components.add(kafka);
    }
    DevStackLauncher.startAll(components, null, false);
    if (registry != null) {
      registry.start(); // after Kafka, which it needs
    }
    // The fakes are ours: they run in this JVM in both modes.
    Peers peers = builder.peers() ? Peers.start() : null;
    return new DefaultDevStack(
        StackMode.CONTAINERS,
        postgres,
        builder.kafka() ? kafka : null,
        registry,
        peers,
        null,
        false,
        Duration.ofNanos(System.nanoTime() - started));
  }

  private static void bindHostPort(GenericContainer<?> container, int containerPort) {
    int hostPort = Ports.freePort();
    container.withExposedPorts(containerPort);
    container.withCreateContainerCmdModifier(
        cmd ->
            cmd.getHostConfig()
                .withPortBindings(
                    new PortBinding(
                        com.github.dockerjava.api.model.Ports.Binding.bindIpAndPort(
                            "127.0.0.1", hostPort),
                        new ExposedPort(containerPort))));
  }

  /** Stop, start and crash a created container by id, keeping its file system and ports. */
  private abstract static class ContainerService implements DevStack.Restartable {
    final GenericContainer<?> container;
    private boolean running;

    ContainerService(GenericContainer<?> container) {
      this.container = container;
    }

    abstract void awaitReady();

    @Override
    public synchronized void start() {
      if (running) {
        return;
      }
      try {
        if (container.getContainerId() == null) {
          container.start();
        } else {
          container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
        }
        awaitReady();
        running = true;
      } catch (RuntimeException e) {
        throw new DevStackException(
            "devstack: container " + container.getDockerImageName() + " did not start: " + e, e);
      }
    }

    @Override
    public synchronized void stop() {
      if (!running) {
        return;
      }
      container.getDockerClient().stopContainerCmd(container.getContainerId()).exec();
      running = false;
    }

    synchronized void kill() {
      if (running) {
        container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
        running = false;
      }
    }

    @Override
    public synchronized boolean isRunning() {
      return running;
    }

    @Override
    public String toString() {
      return container.getDockerImageName();
    }
  }

  private static final class PostgresContainerService extends ContainerService
      implements DevStack.Postgres {
    PostgresContainerService(DevStack.Builder builder, Network network) {
      super(
          new PostgreSQLContainer<>(DockerImageName.parse(POSTGRES_IMAGE))
              .withDatabaseName(EmbeddedPostgresService.DATABASE)
              .withNetwork(network)
              .withCommand(
                  "postgres",
                  "-c",
                  "wal_level=logical",
                  "-c",
                  "max_wal_senders=20",
                  "-c",
                  "max_replication_slots=20",
                  "-c",
                  "max_connections=200",
                  "-c",
                  "track_commit_timestamp=on",
                  "-c",
                  "fsync=" + (builder.fsync() ? "on" : "off"),
                  "-c",
                  "synchronous_commit=" + (builder.synchronousCommit() ? "on" : "off")));
      bindHostPort(container, PostgreSQLContainer.POSTGRESQL_PORT);
    }

    private PostgreSQLContainer<?> pg() {
      return (PostgreSQLContainer<?>) container;
    }

    @Override
    void awaitReady() {
      long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
      while (true) {
        try (Connection c = dataSource().getConnection()) {
          return;
        } catch (java.sql.SQLException e) {
          if (System.nanoTime() > deadline) {
            throw new DevStackException("devstack: postgres container did not answer: " + e, e);
          }
          pause();
        }
      }
    }

    @Override
    public void crash() {
      kill();
    }

    @Override
    public String jdbcUrl() {
      return "jdbc:postgresql://" + host() + ":" + port() + "/" + database();
    }

    @Override
    public String host() {
      return container.getHost();
    }

    @Override
    public int port() {
      return container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
    }

    @Override
    public String database() {
      return pg().getDatabaseName();
    }

    @Override
    public String username() {
      return pg().getUsername();
    }

    @Override
    public String password() {
      return pg().getPassword();
    }

    @Override
    public DataSource dataSource() {
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setServerNames(new String[] {host()});
      ds.setPortNumbers(new int[] {port()});
      ds.setDatabaseName(database());
      ds.setUser(username());
      ds.setPassword(password());
      return ds;
    }
  }

  private static final class KafkaContainerService extends ContainerService
      implements DevStack.Kafka {
    KafkaContainerService(int partitions, Network network) {
      super(
          new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE))
              .withNetwork(network)
              .withNetworkAliases("kafka")
              .withListener("kafka:19092")
              .withEnv("KAFKA_NUM_PARTITIONS", Integer.toString(partitions))
              .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0"));
      bindHostPort(container, 9092);
    }

    @Override
    void awaitReady() {
      KafkaAdmins.awaitReady(bootstrapServers(), READY_TIMEOUT);
    }

    @Override
    public String bootstrapServers() {
      return ((KafkaContainer) container).getBootstrapServers();
    }

    @Override
    public void createTopic(String name, int partitions) {
      KafkaAdmins.createTopic(bootstrapServers(), name, partitions);
    }
  }

  private static final class RegistryContainerService extends ContainerService
      implements DevStack.SchemaRegistry {
    RegistryContainerService(Network network) {
      super(
          new GenericContainer<>(DockerImageName.parse(REGISTRY_IMAGE))
              .withNetwork(network)
              .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
              .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
              .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
              .waitingFor(Wait.forHttp("/subjects").forStatusCode(200)));
      bindHostPort(container, 8081);
    }

    @Override
    void awaitReady() {
      long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
      while (true) {
        try {
          HttpURLConnection c =
              (HttpURLConnection) URI.create(url() + "/").toURL().openConnection();
          c.setConnectTimeout(2_000);
          c.setReadTimeout(2_000);
          if (c.getResponseCode() == 200) {
            return;
          }
        } catch (java.io.IOException e) {
          // not up yet
        }
        if (System.nanoTime() > deadline) {
          throw new DevStackException("devstack: schema registry container did not answer");
        }
        pause();
      }
    }

    @Override
    public String url() {
      return "http://" + container.getHost() + ":" + container.getMappedPort(8081);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DevStackException("devstack: interrupted while waiting for a container", e);
    }
  }
}
