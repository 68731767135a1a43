package dev.relaybox.devstack;

import dev.relaybox.devstack.internal.DevStackLauncher;
import dev.relaybox.devstack.peers.MailServer;
import dev.relaybox.devstack.peers.Peers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Real infrastructure for tests and the demo: PostgreSQL with logical replication, a single-node
 * KRaft Kafka broker, a Confluent-compatible schema registry and fake third parties (payment
 * gateway, fulfillment service, mail server), bound to 127.0.0.1 on free ports.
 *
 * <p>Start one with {@link #builder()}; in JUnit 5 tests use {@link DevStackExtension}. The
 * embedded implementation runs everything from Maven artifacts (zonky Postgres binaries, Apache
 * Kafka jars, the Relaybox dev registry); where a Docker engine is reachable the same interface can
 * be backed by Testcontainers (see {@link StackMode}).
 *
 * <p>Every component can be stopped and started again on the same data directory and the same
 * address, so tests can simulate outages. Closing the stack stops everything and deletes its data
 * directory unless one was given explicitly. Thread-safe.
 */
public interface DevStack extends AutoCloseable {

  /** A new builder with durable defaults (fsync and synchronous_commit on). */
  static Builder builder() {
    return new Builder();
  }

  /** The mode this stack runs in. */
  StackMode mode();

  /**
   * The PostgreSQL server.
   *
   * @throws IllegalStateException if this stack was built without one
   */
  Postgres postgres();

  /**
   * The Kafka broker.
   *
   * @throws IllegalStateException if this stack was built without one
   */
  Kafka kafka();

  /**
   * The schema registry.
   *
   * @throws IllegalStateException if this stack was built without one
   */
  SchemaRegistry schemaRegistry();

  /**
   * The fake third parties the consumer services call: a payment gateway, a fulfillment service and
   * an SMTP/IMAP mail server, each with switchable faults. Always embedded, in this JVM.
   *
   * @throws IllegalStateException if this stack was built without them
   */
  Peers peers();

  /** Wall-clock time {@link Builder#start()} took until every component answered. */
  Duration startupTime();

  /**
   * This stack's addresses and credentials under the relay's configuration keys (see
   * cdc-relay/README.md): {@code pg.host}, {@code pg.port}, {@code pg.database}, {@code pg.user},
   * {@code pg.password} and {@code kafka.bootstrap.servers}. Contains the password: never log it.
   */
  default Map<String, String> relayProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    Postgres pg = postgres();
    p.put("pg.host", pg.host());
    p.put("pg.port", Integer.toString(pg.port()));
    p.put("pg.database", pg.database());
    p.put("pg.user", pg.username());
    p.put("pg.password", pg.password());
    p.put("kafka.bootstrap.servers", kafka().bootstrapServers());
    return p;
  }

  /**
   * This stack's addresses and credentials under the consumer services' configuration keys (see
   * consumers/README.md): {@link #relayProperties()} plus {@code schema.registry.url}, the payment
   * gateway's and fulfillment service's URLs and the mail server's SMTP/IMAP account. Needs a stack
   * with a schema registry and peers. Contains passwords: never log it.
   */
  default Map<String, String> consumersProperties() {
    Map<String, String> p = relayProperties();
    p.put("schema.registry.url", schemaRegistry().url());
    p.put("payments.gateway.url", peers().paymentGateway().url());
    p.put("fulfillment.warehouse.url", peers().fulfillment().url());
    MailServer mail = peers().mail();
    p.put("email.smtp.host", mail.host());
    p.put("email.smtp.port", Integer.toString(mail.smtpPort()));
    p.put("email.imap.host", mail.host());
    p.put("email.imap.port", Integer.toString(mail.imapPort()));
    p.put("email.user", mail.senderUser());
    p.put("email.password", mail.senderPassword());
    p.put("email.sent.folder", MailServer.SENT_FOLDER);
    return p;
  }

  /** Stops every component; never throws for a component that is already stopped. */
  @Override
  void close();

  /** A component that can be stopped and started again with the same address and data. */
  interface Restartable {
    /** Stops the component gracefully; its data stays. No-op when already stopped. */
    void stop();

    /** Starts the component again on the same address and data. No-op when running. */
    void start();

    /** Whether the component is currently running. */
    boolean isRunning();
  }

  /** PostgreSQL with {@code wal_level=logical}. */
  interface Postgres extends Restartable {
    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}. */
    String jdbcUrl();

    String host();

    int port();

    String database();

    String username();

    /** The password; never log it. */
    String password();

    /** A non-pooling data source for {@link #jdbcUrl()} with the stack's credentials. */
    DataSource dataSource();

    /**
     * Stops the server the hard way ({@code pg_ctl stop -m immediate}): no shutdown checkpoint,
     * crash recovery at the next start. Not every mode supports it.
     */
    void crash();
  }

  /** A single-node Kafka broker (KRaft) with replication factor 1 for internal topics. */
  interface Kafka extends Restartable {
    /** {@code 127.0.0.1:<port>}. */
    String bootstrapServers();

    /** Creates a topic if it does not exist, and waits until it has a leader. */
    void createTopic(String name, int partitions);
  }

  /** A schema registry speaking the Confluent REST API. */
  interface SchemaRegistry extends Restartable {
    /** {@code http://127.0.0.1:<port>} without a trailing slash. */
    String url();
  }

  /** Configuration for a {@link DevStack}; every setter returns {@code this}. */
  final class Builder {
    private StackMode mode;
    private Path dataDirectory;
    private boolean fsync = true;
    private boolean synchronousCommit = true;
    private boolean postgres = true;
    private boolean kafka = true;
    private boolean schemaRegistry = true;
    private boolean peers = true;
    private int kafkaPartitions = 3;
    private boolean kafkaProcess;

    Builder() {}

    /**
     * Forces a mode. Default: {@link StackMode#resolve(String,java.util.function.BooleanSupplier)}
     * from the system property {@value StackMode#PROPERTY} or the environment variable {@value
     * StackMode#ENV}, falling back to embedded when no Docker engine answers.
     */
    public Builder mode(StackMode mode) {
      this.mode = mode;
      return this;
    }

    /**
     * Keeps all data (Postgres data directory, Kafka log dirs, registry storage) under this
     * directory and does not delete it on close. Default: a fresh directory under {@code
     * java.io.tmpdir/relaybox-devstack}, deleted on close.
     */
    public Builder dataDirectory(Path dataDirectory) {
      this.dataDirectory = dataDirectory;
      return this;
    }

    /** Postgres {@code fsync}. Default on: turn off only for throwaway speed. */
    public Builder fsync(boolean fsync) {
      this.fsync = fsync;
      return this;
    }

    /** Postgres {@code synchronous_commit}. Default on. */
    public Builder synchronousCommit(boolean synchronousCommit) {
      this.synchronousCommit = synchronousCommit;
      return this;
    }

    /** Whether to start PostgreSQL. Default true. */
    public Builder postgres(boolean postgres) {
      this.postgres = postgres;
      return this;
    }

    /** Whether to start a Kafka broker. Default true. */
    public Builder kafka(boolean kafka) {
      this.kafka = kafka;
      return this;
    }

    /** Whether to start a schema registry (requires nothing else). Default true. */
    public Builder schemaRegistry(boolean schemaRegistry) {
      this.schemaRegistry = schemaRegistry;
      return this;
    }

    /** Whether to start the fake third parties ({@link DevStack#peers()}). Default true. */
    public Builder peers(boolean peers) {
      this.peers = peers;
      return this;
    }

    /** {@code num.partitions} for auto-created topics. Default 3. */
    public Builder kafkaPartitions(int partitions) {
      if (partitions < 1) {
        throw new IllegalArgumentException("kafkaPartitions must be >= 1, was " + partitions);
      }
      this.kafkaPartitions = partitions;
      return this;
    }

    /**
     * Runs the embedded broker in a child JVM ({@code -Xmx768m}) instead of this one, so it can be
     * stopped, killed and restarted like a deployed broker while this JVM goes on (the fault
     * harness does). {@link Restartable#stop()} sends it SIGTERM. Default false; ignored in
     * containers mode.
     */
    public Builder kafkaProcess(boolean kafkaProcess) {
      this.kafkaProcess = kafkaProcess;
      return this;
    }

    /**
     * Starts every requested component and waits until each answers.
     *
     * @throws DevStackException naming the component that could not start and why
     */
    public DevStack start() {
      return DevStackLauncher.launch(this);
    }

    public Optional<StackMode> mode() {
      return Optional.ofNullable(mode);
    }

    public Optional<Path> dataDirectory() {
      return Optional.ofNullable(dataDirectory);
    }

    public boolean fsync() {
      return fsync;
    }

    public boolean synchronousCommit() {
      return synchronousCommit;
    }

    public boolean postgres() {
      return postgres;
    }

    public boolean kafka() {
      return kafka;
    }

    public boolean schemaRegistry() {
      return schemaRegistry;
    }

    public boolean peers() {
      return peers;
    }

    public int kafkaPartitions() {
      return kafkaPartitions;
    }

    public boolean kafkaProcess() {
      return kafkaProcess;
    }
  }
}
