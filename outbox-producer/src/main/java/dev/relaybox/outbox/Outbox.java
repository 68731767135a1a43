package dev.relaybox.outbox;

import dev.relaybox.config.TopicPattern;
import dev.relaybox.outbox.internal.JdbcOutbox;
import dev.relaybox.outbox.internal.OutboxSettings;
import dev.relaybox.outbox.internal.RegistrySerializer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes domain events into the outbox table inside the caller's own JDBC transaction, so the
 * events are committed if and only if the business rows are.
 *
 * <pre>{@code
 * Outbox outbox = Outbox.builder().schemaRegistryUrl(registryUrl).build();
 * outbox.migrate(dataSource);                       // once, at startup
 * try (Connection tx = dataSource.getConnection()) {
 *   tx.setAutoCommit(false);
 *   ... insert the business rows on tx ...
 *   outbox.publish(tx, OutboxEvent.of("order", orderId, orderPlaced));
 *   tx.commit();
 * }
 * }</pre>
 *
 * <p><b>Transactions.</b> {@link #publish} writes with the given connection and never commits,
 * rolls back or closes it; the caller's commit makes the event visible to the relay, a rollback
 * discards it. Connections in auto-commit mode are refused ({@link TransactionRequiredException}).
 *
 * <p><b>Schema registry.</b> The payload is serialized before anything is written. The serializer
 * looks up or registers the payload's schema on first use and caches the id, so only the first
 * event of each schema makes a registry round trip, inside the caller's transaction; list the
 * schemas in {@link Builder#warmUp} to do it at {@link Builder#build()} instead.
 *
 * <p>Thread-safe: one instance serves the whole application. {@link #close()} closes the serializer
 * if the builder created it.
 */
public interface Outbox extends AutoCloseable {

  /**
   * Classpath location of the outbox's Flyway migrations. They use the placeholders {@code
   * outbox_schema} and {@code outbox_table}. {@link #migrate(DataSource)} runs them with a history
   * table of their own; an application running them with its own Flyway must do the same (a
   * separate {@code Flyway} instance with this location, the placeholders and its own history
   * table), because the outbox's version numbers would collide with the application's.
   */
  String MIGRATIONS_LOCATION = "classpath:dev/relaybox/outbox/db/migration";

  /**
   * {@code outbox.event.<aggregatetype>} (docs/architecture.md), in the syntax and with the default
   * of the relay's {@code topic.pattern}, so one setting serves both.
   */
  String DEFAULT_TOPIC_PATTERN = TopicPattern.DEFAULT;

  /**
   * Kafka's default {@code max.request.size} (1 MiB) minus 16 KiB for what the relay adds around
   * the payload: the key (aggregate id, at most 1,020 UTF-8 bytes), its own headers ({@code id},
   * {@code eventType}, {@code aggregateType}: at most about 2,100 bytes) and record and batch
   * framing (under 100 bytes).
   */
  int DEFAULT_MAX_EVENT_BYTES = 1024 * 1024 - 16 * 1024;

  /** A builder with the defaults listed on its setters. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Writes one event in the caller's transaction: serializes the payload, checks the size, then
   * inserts the row (and, in {@link CleanupMode#DELETE_AFTER_INSERT}, deletes it again). Never
   * commits, rolls back or closes {@code tx}.
   *
   * @param tx a connection with auto-commit off, the one that writes the business rows
   * @return the event id
   * @throws TransactionRequiredException if {@code tx} is in auto-commit mode; nothing is written
   * @throws EventTooLargeException if payload plus headers exceed the limit; nothing is written
   * @throws IllegalArgumentException if the aggregate type makes a topic name over 249 characters
   * @throws org.apache.kafka.common.errors.SerializationException if the payload cannot be
   *     serialized (e.g. the registry is unreachable for a schema not yet cached)
   * @throws SQLException if the database fails; the caller should roll back
   */
  UUID publish(Connection tx, OutboxEvent event) throws SQLException;

  /**
   * Writes several events in the caller's transaction, one round trip each. Every event is
   * validated and serialized before the first row is written, so a validation, size or
   * serialization exception means none were; after an {@link SQLException} roll back.
   *
   * @throws TransactionRequiredException if {@code tx} is in auto-commit mode
   * @throws EventTooLargeException if one event is too large
   * @throws SQLException if the database fails; the caller should roll back
   */
  void publishAll(Connection tx, Collection<OutboxEvent> events) throws SQLException;

  /**
   * Creates or upgrades the outbox table (and its schema) with Flyway, recording the history in
   * {@code <schema>.<table>_schema_history}, so several outboxes coexist. Idempotent; safe to call
   * at every startup and from several instances (Flyway takes a lock). Commits on its own
   * connections; Flyway holds two at once, so give it a pool of at least two or a plain data source
   * (a pool of one deadlocks until its connection timeout).
   *
   * @throws org.flywaydb.core.api.FlywayException if a migration fails
   */
  void migrate(DataSource dataSource);

  /**
   * A sweeper for {@link CleanupMode#RETAIN} that deletes rows older than {@code retention} in
   * batches of 1,000.
   */
  default OutboxSweeper sweeper(DataSource dataSource, Duration retention) {
    return sweeper(dataSource, retention, 1_000);
  }

  /**
   * A sweeper for {@link CleanupMode#RETAIN} that deletes rows older than {@code retention} in
   * batches of {@code batchSize} rows, one transaction per batch.
   *
   * @throws IllegalArgumentException if retention is negative or batchSize is not positive
   */
  OutboxSweeper sweeper(DataSource dataSource, Duration retention, int batchSize);

  /** The schema of the outbox table. */
  String schema();

  /** The name of the outbox table. */
  String table();

  /** The Kafka topic events of this aggregate type are published to. */
  String topicFor(String aggregateType);

  /** Closes the serializer if the builder created it; otherwise does nothing. */
  @Override
  void close();

  /** Configuration for an {@link Outbox}; every setter returns {@code this}. Not thread-safe. */
  final class Builder {
    private String schema = "public";
    private String table = "outbox";
    private Serializer<Object> serializer;
    private String schemaRegistryUrl;
    private boolean autoRegisterSchemas = true;
    private final List<Schema> warmUp = new ArrayList<>();
    private CleanupMode cleanupMode = CleanupMode.DELETE_AFTER_INSERT;
    private int maxEventBytes = DEFAULT_MAX_EVENT_BYTES;
    private String topicPattern = DEFAULT_TOPIC_PATTERN;

    private Builder() {}

    /**
     * Schema of the outbox table. Default {@code public}. A lower-case SQL identifier: {@code
     * [a-z_][a-z0-9_]*}, at most 63 characters, not starting with {@code pg_}.
     */
    public Builder schema(String schema) {
      this.schema = schema;
      return this;
    }

    /**
     * Name of the outbox table. Default {@code outbox}. A lower-case SQL identifier: {@code
     * [a-z_][a-z0-9_]*}, at most 48 characters (its Flyway history table and index append a suffix
     * and Postgres names are limited to 63).
     */
    public Builder table(String table) {
      this.table = table;
      return this;
    }

    /**
     * The serializer for payloads, called with the event's topic and its Avro record; it must write
     * the Confluent wire format (magic byte, schema id, Avro binary). The caller keeps ownership:
     * {@link Outbox#close()} does not close it. Set this or {@link #schemaRegistryUrl}.
     */
    public Builder serializer(Serializer<Object> serializer) {
      this.serializer = serializer;
      return this;
    }

    /**
     * Serializes payloads with the relaybox {@code AvroSerializer} against this registry
     * (comma-separated URLs, tried in order), under <b>RecordNameStrategy</b> (subject = the
     * record's full name, since several event types share a topic). The serializer caches each
     * schema id after its first lookup. Set this or {@link #serializer}.
     */
    public Builder schemaRegistryUrl(String schemaRegistryUrl) {
      this.schemaRegistryUrl = schemaRegistryUrl;
      return this;
    }

    /**
     * With {@link #schemaRegistryUrl}: whether unknown schemas are registered (default true) or
     * only looked up, failing for a schema nobody registered.
     */
    public Builder autoRegisterSchemas(boolean autoRegisterSchemas) {
      this.autoRegisterSchemas = autoRegisterSchemas;
      return this;
    }

    /**
     * With {@link #schemaRegistryUrl}: record schemas (e.g. {@code OrderPlaced.getClassSchema()})
     * to register or look up at {@link #build()}, so that no event of these types makes a registry
     * round trip inside a caller's transaction. Without warm-up, the first event of each schema
     * does. Cumulative; default none.
     */
    public Builder warmUp(Schema... schemas) {
      for (Schema schema : schemas) {
        warmUp.add(Objects.requireNonNull(schema, "warmUp schema must not be null"));
      }
      return this;
    }

    /** Default {@link CleanupMode#DELETE_AFTER_INSERT}. */
    public Builder cleanupMode(CleanupMode cleanupMode) {
      this.cleanupMode = cleanupMode;
      return this;
    }

    /**
     * Largest serialized payload plus headers (UTF-8 names and values) accepted. Default {@value
     * Outbox#DEFAULT_MAX_EVENT_BYTES}; see {@link Outbox#DEFAULT_MAX_EVENT_BYTES}. Raise it only
     * together with the broker's {@code message.max.bytes} and the relay's {@code
     * max.request.size}.
     */
    public Builder maxEventBytes(int maxEventBytes) {
      this.maxEventBytes = maxEventBytes;
      return this;
    }

    /**
     * Topic name pattern, {@code ${aggregatetype}} standing for the aggregate type. Default {@value
     * Outbox#DEFAULT_TOPIC_PATTERN}. Must match the relay's {@code topic.pattern}; the outbox uses
     * it only as the topic argument of the serializer.
     */
    public Builder topicPattern(String topicPattern) {
      this.topicPattern = topicPattern;
      return this;
    }

    /**
     * Validates the configuration and builds the outbox.
     *
     * @throws NullPointerException naming a missing property
     * @throws IllegalArgumentException naming an invalid property
     * @throws dev.relaybox.schemas.registry.SchemaRegistryException if warming up fails
     */
    public Outbox build() {
      if (serializer != null && schemaRegistryUrl != null) {
        throw new IllegalArgumentException("set either serializer or schemaRegistryUrl, not both");
      }
      if (serializer == null && schemaRegistryUrl == null) {
        throw new NullPointerException(
            "serializer or schemaRegistryUrl must be set: the outbox needs to serialize payloads");
      }
      if (serializer != null && !warmUp.isEmpty()) {
        throw new IllegalArgumentException(
            "warmUp needs schemaRegistryUrl; with your own serializer, serialize one record of"
                + " each type at startup instead");
      }
      // Validate the configuration before any registry call.
      OutboxSettings settings =
          new OutboxSettings(
              schema, table, cleanupMode, maxEventBytes, TopicPattern.parse(topicPattern));
      if (serializer != null) {
        return JdbcOutbox.create(settings, serializer, false);
      }
      return JdbcOutbox.create(
          settings,
          RegistrySerializer.create(schemaRegistryUrl, autoRegisterSchemas, warmUp),
          true);
    }
  }
}
