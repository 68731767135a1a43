package dev.relaybox.relay;

import dev.relaybox.config.ServiceConfig;
import dev.relaybox.config.ServiceProperties;
import dev.relaybox.relay.internal.TopicPattern;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Immutable configuration of a {@link Relay}: where the outbox lives, where events go, how offsets
 * are stored. Every setting is a string property (the keys below, documented with their defaults in
 * {@code cdc-relay/README.md}); build one with {@link #builder()} or {@link
 * #fromProperties(Properties)}. {@link Builder#build()} validates everything and names the bad
 * property in an {@link IllegalArgumentException}.
 *
 * <p>Properties starting with {@value #PRODUCER_PREFIX} are passed (prefix removed) to the Kafka
 * producer, and those starting with {@value #DEBEZIUM_PREFIX} to the Debezium engine, where they
 * override the relay's choices. Thread-safe. {@link #toString()} never shows the password. The
 * plumbing (environment overrides, unknown keys, masking) is {@link ServiceConfig}.
 */
public final class RelayConfig extends ServiceConfig {

  /** Relay name: Debezium engine name, {@code topic.prefix} and offset namespace. */
  public static final String NAME = "relay.name";

  public static final String PG_HOST = "pg.host";
  public static final String PG_PORT = "pg.port";
  public static final String PG_DATABASE = "pg.database";
  public static final String PG_USER = "pg.user";
  public static final String PG_PASSWORD = "pg.password";
  public static final String PG_SSLMODE = "pg.sslmode";

  public static final String OUTBOX_SCHEMA = "outbox.schema";
  public static final String OUTBOX_TABLE = "outbox.table";
  public static final String SLOT_NAME = "slot.name";
  public static final String PUBLICATION_NAME = "publication.name";

  /**
   * Whether to start although the replication slot is missing while offsets exist (events written
   * in between are lost). Default false: refuse to start.
   */
  public static final String ALLOW_MISSING_SLOT = "startup.allow.missing.slot";

  public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";

  /** Topic pattern; {@code ${aggregatetype}} is replaced by the row's aggregate type. */
  public static final String TOPIC_PATTERN = "topic.pattern";

  public static final String DLQ_TOPIC = "dlq.topic";

  /** {@code kafka} (default) or {@code file}. */
  public static final String OFFSETS_STORAGE = "offsets.storage";

  public static final String OFFSETS_TOPIC = "offsets.topic";
  public static final String OFFSETS_TOPIC_PARTITIONS = "offsets.topic.partitions";
  public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
  public static final String OFFSETS_FILE = "offsets.file";
  public static final String OFFSETS_FLUSH_INTERVAL_MS = "offsets.flush.interval.ms";

  public static final String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
  public static final String HEARTBEAT_ACTION_QUERY = "heartbeat.action.query";

  public static final String POLL_INTERVAL_MS = "poll.interval.ms";
  public static final String MAX_BATCH_SIZE = "max.batch.size";
  public static final String MAX_QUEUE_SIZE = "max.queue.size";

  public static final String RESTART_BACKOFF_INITIAL_MS = "restart.backoff.initial.ms";
  public static final String RESTART_BACKOFF_MAX_MS = "restart.backoff.max.ms";
  public static final String SLOT_LAG_POLL_INTERVAL_MS = "slot.lag.poll.interval.ms";

  /** Bind address of {@link RelayApplication}'s HTTP endpoints. */
  public static final String HTTP_HOST = "http.host";

  /** Port of {@link RelayApplication}'s HTTP endpoints; {@code -1} disables them. */
  public static final String HTTP_PORT = "http.port";

  public static final String PRODUCER_PREFIX = "kafka.producer.";
  public static final String DEBEZIUM_PREFIX = "debezium.";

  /** Prefix of environment variables overriding properties, see {@link #environmentName}. */
  public static final String ENV_PREFIX = ServiceProperties.ENV_PREFIX;

  private static final Map<String, String> DEFAULTS = defaults();
  private static final Pattern SQL_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");

  /** A builder holding every default. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder initialised with the defaults and then every entry of {@code properties}; call {@link
   * Builder#build()} to validate.
   */
  public static Builder fromProperties(Properties properties) {
    return new Builder().setAll(properties);
  }

  /** The documented keys with their default values ({@code ""} where the key is required). */
  public static Map<String, String> documentedDefaults() {
    return DEFAULTS;
  }

  private RelayConfig(ServiceProperties values) {
    super(values);
  }

  public String name() {
    return values.get(NAME);
  }

  public String pgHost() {
    return values.get(PG_HOST);
  }

  public int pgPort() {
    return values.getInt(PG_PORT);
  }

  public String pgDatabase() {
    return values.get(PG_DATABASE);
  }

  public String pgUser() {
    return values.get(PG_USER);
  }

  /** The password; never log it. */
  public String pgPassword() {
    return values.get(PG_PASSWORD);
  }

  public String pgSslMode() {
    return values.get(PG_SSLMODE);
  }

  /** {@code jdbc:postgresql://host:port/database} without credentials. */
  public String jdbcUrl() {
    return "jdbc:postgresql://"
        + pgHost()
        + ":"
        + pgPort()
        + "/"
        + pgDatabase()
        + "?sslmode="
        + pgSslMode();
  }

  public String outboxSchema() {
    return values.get(OUTBOX_SCHEMA);
  }

  public String outboxTable() {
    return values.get(OUTBOX_TABLE);
  }

  public String slotName() {
    return values.get(SLOT_NAME);
  }

  public String publicationName() {
    return values.get(PUBLICATION_NAME);
  }

  public boolean allowMissingSlot() {
    return values.getBoolean(ALLOW_MISSING_SLOT);
  }

  public String kafkaBootstrapServers() {
    return values.get(KAFKA_BOOTSTRAP_SERVERS);
  }

  public String topicPattern() {
    return values.get(TOPIC_PATTERN);
  }

  public String dlqTopic() {
    return values.get(DLQ_TOPIC);
  }

  /** Whether offsets live in a Kafka topic (otherwise in {@link #offsetsFile()}). */
  public boolean offsetsInKafka() {
    return "kafka".equals(values.get(OFFSETS_STORAGE));
  }

  public String offsetsTopic() {
    return values.get(OFFSETS_TOPIC);
  }

  /** The offsets file, or {@code null} when offsets are stored in Kafka. */
  public Path offsetsFile() {
    String file = values.get(OFFSETS_FILE);
    return file == null || file.isBlank() ? null : Path.of(file);
  }

  public long offsetsFlushIntervalMs() {
    return values.getLong(OFFSETS_FLUSH_INTERVAL_MS);
  }

  public long restartBackoffInitialMs() {
    return values.getLong(RESTART_BACKOFF_INITIAL_MS);
  }

  public long restartBackoffMaxMs() {
    return values.getLong(RESTART_BACKOFF_MAX_MS);
  }

  public long slotLagPollIntervalMs() {
    return values.getLong(SLOT_LAG_POLL_INTERVAL_MS);
  }

  public String httpHost() {
    return values.get(HTTP_HOST);
  }

  public int httpPort() {
    return values.getInt(HTTP_PORT);
  }

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(NAME, "relaybox-relay");
    d.put(PG_HOST, "localhost");
    d.put(PG_PORT, "5432");
    d.put(PG_DATABASE, "");
    d.put(PG_USER, "");
    d.put(PG_PASSWORD, "");
    d.put(PG_SSLMODE, "prefer");
    d.put(OUTBOX_SCHEMA, "public");
    d.put(OUTBOX_TABLE, "outbox");
    d.put(SLOT_NAME, "relaybox_outbox");
    d.put(PUBLICATION_NAME, "relaybox_outbox");
    d.put(ALLOW_MISSING_SLOT, "false");
    d.put(KAFKA_BOOTSTRAP_SERVERS, "");
    d.put(TOPIC_PATTERN, "outbox.event.${aggregatetype}");
    d.put(DLQ_TOPIC, "relaybox.relay.dlq");
    d.put(OFFSETS_STORAGE, "kafka");
    d.put(OFFSETS_TOPIC, "relaybox.relay.offsets");
    d.put(OFFSETS_TOPIC_PARTITIONS, "1");
    d.put(OFFSETS_TOPIC_REPLICATION_FACTOR, "-1");
    d.put(OFFSETS_FILE, "");
    d.put(OFFSETS_FLUSH_INTERVAL_MS, "1000");
    d.put(HEARTBEAT_INTERVAL_MS, "10000");
    d.put(
        HEARTBEAT_ACTION_QUERY,
        "SELECT pg_logical_emit_message(false, 'relaybox-heartbeat', now()::text)");
    d.put(POLL_INTERVAL_MS, "10");
    d.put(MAX_BATCH_SIZE, "4096");
    d.put(MAX_QUEUE_SIZE, "16384");
    d.put(RESTART_BACKOFF_INITIAL_MS, "500");
    d.put(RESTART_BACKOFF_MAX_MS, "30000");
    d.put(SLOT_LAG_POLL_INTERVAL_MS, "10000");
    d.put(HTTP_HOST, "0.0.0.0");
    d.put(HTTP_PORT, "8080");
    return Collections.unmodifiableMap(d);
  }

  /** Collects properties; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder extends ServiceConfig.Builder<Builder> {

    /** The wording of every relay configuration error. */
    private static String message(String key, String problem) {
      return "Relay property '" + key + "' " + problem;
    }

    private Builder() {
      super(
          ServiceProperties.builder(DEFAULTS)
              .passThroughPrefixes(PRODUCER_PREFIX, DEBEZIUM_PREFIX)
              .documentedIn("cdc-relay/README.md")
              .unknownKeyMessage((key, help) -> message(key, "unknown property; " + help)));
    }

    /** Postgres address and credentials. Defaults: {@code localhost:5432}, no password. */
    public Builder postgres(String host, int port, String database, String user, String password) {
      return set(PG_HOST, host)
          .set(PG_PORT, Integer.toString(port))
          .set(PG_DATABASE, database)
          .set(PG_USER, user)
          .set(PG_PASSWORD, password);
    }

    /** The outbox table. Default {@code public.outbox}. */
    public Builder outboxTable(String schema, String table) {
      return set(OUTBOX_SCHEMA, schema).set(OUTBOX_TABLE, table);
    }

    /** Replication slot and publication names. Default {@code relaybox_outbox} for both. */
    public Builder slotAndPublication(String slotName, String publicationName) {
      return set(SLOT_NAME, slotName).set(PUBLICATION_NAME, publicationName);
    }

    /** Kafka bootstrap servers (required). */
    public Builder kafkaBootstrapServers(String bootstrapServers) {
      return set(KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    }

    /** Default {@code outbox.event.${aggregatetype}}. */
    public Builder topicPattern(String pattern) {
      return set(TOPIC_PATTERN, pattern);
    }

    /** Default {@code relaybox.relay.dlq}. */
    public Builder dlqTopic(String topic) {
      return set(DLQ_TOPIC, topic);
    }

    /** Stores offsets in this Kafka topic (the default, topic {@code relaybox.relay.offsets}). */
    public Builder offsetsTopic(String topic) {
      return set(OFFSETS_STORAGE, "kafka").set(OFFSETS_TOPIC, topic);
    }

    /** Stores offsets in this local file instead of Kafka. */
    public Builder offsetsFile(Path file) {
      return set(OFFSETS_STORAGE, "file").set(OFFSETS_FILE, file.toString());
    }

    /** Relay name (default {@code relaybox-relay}); one name per slot. */
    public Builder name(String name) {
      return set(NAME, name);
    }

    /**
     * Validates every property.
     *
     * @throws IllegalArgumentException naming the first bad property and what is expected
     */
    public RelayConfig build() {
      require(PG_DATABASE);
      require(PG_USER);
      require(KAFKA_BOOTSTRAP_SERVERS);
      require(NAME);
      require(PG_HOST);
      integer(PG_PORT, 1, 65535);
      identifier(OUTBOX_SCHEMA);
      identifier(OUTBOX_TABLE);
      identifier(SLOT_NAME);
      identifier(PUBLICATION_NAME);
      oneOf(PG_SSLMODE, "disable", "allow", "prefer", "require", "verify-ca", "verify-full");
      oneOf(ALLOW_MISSING_SLOT, "true", "false");
      try {
        TopicPattern.parse(values.get(TOPIC_PATTERN));
      } catch (IllegalArgumentException e) {
        throw bad(TOPIC_PATTERN, e.getMessage());
      }
      topic(DLQ_TOPIC);
      oneOf(OFFSETS_STORAGE, "kafka", "file");
      if ("file".equals(values.get(OFFSETS_STORAGE))) {
        require(OFFSETS_FILE);
      } else {
        topic(OFFSETS_TOPIC);
      }
      integer(OFFSETS_TOPIC_PARTITIONS, 1, 10_000);
      integer(OFFSETS_TOPIC_REPLICATION_FACTOR, -1, Short.MAX_VALUE);
      if ("0".equals(values.get(OFFSETS_TOPIC_REPLICATION_FACTOR))) {
        throw bad(OFFSETS_TOPIC_REPLICATION_FACTOR, "must be -1 (broker default) or >= 1");
      }
      integer(OFFSETS_FLUSH_INTERVAL_MS, 1, Integer.MAX_VALUE);
      integer(HEARTBEAT_INTERVAL_MS, 0, Integer.MAX_VALUE);
      integer(POLL_INTERVAL_MS, 1, 60_000);
      integer(MAX_BATCH_SIZE, 1, 1_000_000);
      integer(MAX_QUEUE_SIZE, 2, 10_000_000);
      if (Long.parseLong(values.get(MAX_QUEUE_SIZE))
          <= Long.parseLong(values.get(MAX_BATCH_SIZE))) {
        throw bad(MAX_QUEUE_SIZE, "must be greater than " + MAX_BATCH_SIZE);
      }
      integer(RESTART_BACKOFF_INITIAL_MS, 1, Integer.MAX_VALUE);
      integer(RESTART_BACKOFF_MAX_MS, 1, Integer.MAX_VALUE);
      integer(SLOT_LAG_POLL_INTERVAL_MS, 100, Integer.MAX_VALUE);
      require(HTTP_HOST);
      integer(HTTP_PORT, -1, 65535);
      String acks = values.get(PRODUCER_PREFIX + "acks");
      if (acks != null && !acks.equals("all") && !acks.equals("-1")) {
        throw bad(PRODUCER_PREFIX + "acks", "must be all: the relay never loses an event");
      }
      if ("false".equals(values.get(PRODUCER_PREFIX + "enable.idempotence"))) {
        throw bad(
            PRODUCER_PREFIX + "enable.idempotence",
            "must stay true: retries must not reorder or duplicate records");
      }
      return new RelayConfig(values.build());
    }

    private void require(String key) {
      String v = values.get(key);
      if (v == null || v.isBlank()) {
        throw bad(key, "is required (or set " + environmentName(key) + ")");
      }
    }

    private void integer(String key, long min, long max) {
      long v;
      try {
        v = Long.parseLong(values.get(key));
      } catch (NumberFormatException e) {
        throw bad(key, "must be an integer, was '" + values.get(key) + "'");
      }
      if (v < min || v > max) {
        throw bad(key, "must be between " + min + " and " + max + ", was " + v);
      }
    }

    private void identifier(String key) {
      if (!SQL_IDENTIFIER.matcher(values.get(key)).matches()) {
        throw bad(
            key,
            "must be a lower-case SQL identifier ([a-z_][a-z0-9_$]*, at most 63 characters), was '"
                + values.get(key)
                + "'");
      }
    }

    private void topic(String key) {
      String reason = TopicPattern.invalidTopicReason(values.get(key));
      if (reason != null) {
        throw bad(key, reason);
      }
    }

    private void oneOf(String key, String... allowed) {
      String v = values.get(key);
      for (String a : allowed) {
        if (a.equals(v)) {
          return;
        }
      }
      throw bad(key, "must be one of " + String.join(", ", allowed) + ", was '" + v + "'");
    }

    private static IllegalArgumentException bad(String key, String problem) {
      return new IllegalArgumentException(message(key, problem));
    }
  }
}
