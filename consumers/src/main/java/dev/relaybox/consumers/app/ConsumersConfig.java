package dev.relaybox.consumers.app;

import dev.relaybox.config.ServiceConfig;
import dev.relaybox.config.ServiceProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Immutable configuration of the {@link ConsumersApplication}: where Kafka, Postgres, the registry
 * and the third parties are, and which services to run. Every setting is a string property (the
 * keys below, each documented with its default in {@code consumers/README.md}); properties starting
 * with {@value #KAFKA_CONSUMER_PREFIX} go, prefix removed, to every service's Kafka consumer.
 * Environment variables override documented keys ({@link #environmentName}). {@link #toString()}
 * masks passwords. Thread-safe. The plumbing is {@link ServiceConfig}.
 */
public final class ConsumersConfig extends ServiceConfig {

  /** Comma-separated services to run: {@code payments}, {@code email}, {@code fulfillment}. */
  public static final String SERVICES = "services";

  public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

  public static final String PG_HOST = "pg.host";
  public static final String PG_PORT = "pg.port";
  public static final String PG_DATABASE = "pg.database";
  public static final String PG_USER = "pg.user";
  public static final String PG_PASSWORD = "pg.password";
  public static final String PG_POOL_SIZE = "pg.pool.size";

  /** Schema of the service tables, the processed keys and the outbox. */
  public static final String DB_SCHEMA = "db.schema";

  public static final String OUTBOX_TABLE = "outbox.table";
  public static final String PROCESSED_KEYS_TABLE = "processed.keys.table";

  /** Milliseconds each group keeps its processed keys; empty (the default) keeps them forever. */
  public static final String PROCESSED_KEYS_RETENTION_MS = "processed.keys.retention.ms";

  /** The relay's topic pattern; {@code ${aggregatetype}} stands for the aggregate type. */
  public static final String TOPIC_PATTERN = "topic.pattern";

  public static final String PAYMENTS_GROUP = "payments.group";
  public static final String EMAIL_GROUP = "email.group";
  public static final String FULFILLMENT_GROUP = "fulfillment.group";

  public static final String PAYMENTS_GATEWAY_URL = "payments.gateway.url";
  public static final String FULFILLMENT_WAREHOUSE_URL = "fulfillment.warehouse.url";
  public static final String FULFILLMENT_WAREHOUSE_ID = "fulfillment.warehouse.id";
  public static final String HTTP_CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
  public static final String HTTP_REQUEST_TIMEOUT_MS = "http.request.timeout.ms";

  public static final String MAIL_SMTP_HOST = "mail.smtp.host";
  public static final String MAIL_SMTP_PORT = "mail.smtp.port";
  public static final String MAIL_SMTP_AUTH = "mail.smtp.auth";
  public static final String MAIL_IMAP_HOST = "mail.imap.host";
  public static final String MAIL_IMAP_PORT = "mail.imap.port";
  public static final String MAIL_USER = "mail.user";
  public static final String MAIL_PASSWORD = "mail.password";
  public static final String MAIL_FROM = "mail.from";
  public static final String MAIL_SENT_FOLDER = "mail.sent.folder";
  public static final String MAIL_MESSAGE_ID_DOMAIN = "mail.message.id.domain";
  public static final String MAIL_TIMEOUT_MS = "mail.timeout.ms";

  public static final String CONSUMER_MAX_ATTEMPTS = "consumer.max.attempts";
  public static final String CONSUMER_INITIAL_BACKOFF_MS = "consumer.initial.backoff.ms";
  public static final String CONSUMER_MAX_BACKOFF_MS = "consumer.max.backoff.ms";
  public static final String CONSUMER_POLL_TIMEOUT_MS = "consumer.poll.timeout.ms";
  public static final String CONSUMER_SHUTDOWN_TIMEOUT_MS = "consumer.shutdown.timeout.ms";

  /** Bind address of {@code /health}, {@code /ready} and {@code /metrics}. */
  public static final String HTTP_HOST = "http.host";

  /** Port of the HTTP endpoints; {@code 0} picks a free one, {@code -1} disables them. */
  public static final String HTTP_PORT = "http.port";

  public static final String KAFKA_CONSUMER_PREFIX = "kafka.consumer.";

  /** Prefix of environment variables overriding properties. */
  public static final String ENV_PREFIX = ServiceProperties.ENV_PREFIX;

  /** The services this host knows. */
  public static final Set<String> KNOWN_SERVICES = Set.of("payments", "email", "fulfillment");

  private static final Map<String, String> DEFAULTS = defaults();

  private ConsumersConfig(ServiceProperties values) {
    super(values);
  }

  /** A builder holding every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder with the defaults, then every entry of {@code properties}. */
  public static Builder fromProperties(Properties properties) {
    return builder().setAll(properties);
  }

  /**
   * A builder with the defaults, then the properties file at {@code file} (UTF-8).
   *
   * @throws IOException if the file cannot be read
   */
  public static Builder fromFile(Path file) throws IOException {
    return builder().load(file);
  }

  /** The documented keys with their defaults ({@code ""} where a key is required). */
  public static Map<String, String> documentedDefaults() {
    return DEFAULTS;
  }

  /**
   * {@value #PROCESSED_KEYS_RETENTION_MS} as a duration; empty when unset (keys kept forever). The
   * runner enforces the floor, {@link
   * dev.relaybox.consumers.ConsumerRunner#MIN_PROCESSED_KEYS_RETENTION}.
   *
   * <p>Validated by {@link Builder#build()}.
   */
  public Optional<Duration> processedKeysRetention() {
    String value = values.get(PROCESSED_KEYS_RETENTION_MS);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.ofMillis(Long.parseLong(value)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          PROCESSED_KEYS_RETENTION_MS
              + " must be a number of milliseconds (e.g. 1209600000 for 14 days) or empty to keep"
              + " processed keys forever, was '"
              + value
              + "'");
    }
  }

  /** The services to run, in the order given. */
  public Set<String> services() {
    Set<String> services = new LinkedHashSet<>();
    for (String s : values.get(SERVICES).split(",")) {
      if (!s.isBlank()) {
        services.add(s.trim());
      }
    }
    return services;
  }

  /** {@code jdbc:postgresql://host:port/database}, without credentials. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + get(PG_HOST) + ":" + get(PG_PORT) + "/" + get(PG_DATABASE);
  }

  /** The topic of an aggregate type under {@link #TOPIC_PATTERN}. */
  public String topicFor(String aggregateType) {
    return get(TOPIC_PATTERN).replace("${aggregatetype}", aggregateType);
  }

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(SERVICES, "payments,email,fulfillment");
    d.put(KAFKA_BOOTSTRAP_SERVERS, "");
    d.put(SCHEMA_REGISTRY_URL, "");
    d.put(PG_HOST, "localhost");
    d.put(PG_PORT, "5432");
    d.put(PG_DATABASE, "");
    d.put(PG_USER, "");
    d.put(PG_PASSWORD, "");
    d.put(PG_POOL_SIZE, "10");
    d.put(DB_SCHEMA, "public");
    d.put(OUTBOX_TABLE, "outbox");
    d.put(PROCESSED_KEYS_TABLE, "processed_keys");
    d.put(PROCESSED_KEYS_RETENTION_MS, "");
    d.put(TOPIC_PATTERN, "outbox.event.${aggregatetype}");
    d.put(PAYMENTS_GROUP, "payments");
    d.put(EMAIL_GROUP, "email");
    d.put(FULFILLMENT_GROUP, "fulfillment");
    d.put(PAYMENTS_GATEWAY_URL, "");
    d.put(FULFILLMENT_WAREHOUSE_URL, "");
    d.put(FULFILLMENT_WAREHOUSE_ID, "main");
    d.put(HTTP_CONNECT_TIMEOUT_MS, "5000");
    d.put(HTTP_REQUEST_TIMEOUT_MS, "10000");
    d.put(MAIL_SMTP_HOST, "localhost");
    d.put(MAIL_SMTP_PORT, "25");
    d.put(MAIL_SMTP_AUTH, "false");
    d.put(MAIL_IMAP_HOST, "localhost");
    d.put(MAIL_IMAP_PORT, "143");
    d.put(MAIL_USER, "");
    d.put(MAIL_PASSWORD, "");
    d.put(MAIL_FROM, "");
    d.put(MAIL_SENT_FOLDER, "Sent");
    d.put(MAIL_MESSAGE_ID_DOMAIN, "relaybox");
    d.put(MAIL_TIMEOUT_MS, "10000");
    d.put(CONSUMER_MAX_ATTEMPTS, "10");
    d.put(CONSUMER_INITIAL_BACKOFF_MS, "200");
    d.put(CONSUMER_MAX_BACKOFF_MS, "30000");
    d.put(CONSUMER_POLL_TIMEOUT_MS, "500");
    d.put(CONSUMER_SHUTDOWN_TIMEOUT_MS, "30000");
    d.put(HTTP_HOST, "0.0.0.0");
    d.put(HTTP_PORT, "8081");
    return Collections.unmodifiableMap(d);
  }

  /** Collects properties; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder extends ServiceConfig.Builder<Builder> {

    private Builder() {
      super(
          ServiceProperties.builder(DEFAULTS)
              .passThroughPrefixes(KAFKA_CONSUMER_PREFIX)
              .documentedIn("consumers/README.md"));
    }

    /**
     * Validates every property.
     *
     * @throws IllegalArgumentException naming the first unknown, missing or malformed property
     */
    public ConsumersConfig build() {
      ConsumersConfig config = new ConsumersConfig(values.build());
      Set<String> services = config.services();
      if (services.isEmpty()) {
        throw new IllegalArgumentException(SERVICES + " must name at least one service");
      }
      for (String service : services) {
        if (!KNOWN_SERVICES.contains(service)) {
          throw new IllegalArgumentException(
              SERVICES + " names unknown service '" + service + "': use " + KNOWN_SERVICES);
        }
      }
      required(KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, PG_HOST, PG_DATABASE, PG_USER);
      if (services.contains("payments")) {
        required(PAYMENTS_GATEWAY_URL);
      }
      if (services.contains("fulfillment")) {
        required(FULFILLMENT_WAREHOUSE_URL);
      }
      if (services.contains("email")) {
        required(MAIL_SMTP_HOST, MAIL_IMAP_HOST, MAIL_USER);
      }
      for (String key :
          new String[] {
            PG_PORT, MAIL_SMTP_PORT, MAIL_IMAP_PORT, PG_POOL_SIZE, CONSUMER_MAX_ATTEMPTS
          }) {
        integer(key, 1);
      }
      // Flyway holds two connections while migrating: a pool of one would deadlock at start.
      integer(PG_POOL_SIZE, 2);
      integer(HTTP_PORT, -1);
      for (String key :
          new String[] {
            HTTP_CONNECT_TIMEOUT_MS,
            HTTP_REQUEST_TIMEOUT_MS,
            MAIL_TIMEOUT_MS,
            CONSUMER_INITIAL_BACKOFF_MS,
            CONSUMER_MAX_BACKOFF_MS,
            CONSUMER_POLL_TIMEOUT_MS,
            CONSUMER_SHUTDOWN_TIMEOUT_MS
          }) {
        integer(key, 1);
      }
      String auth = values.get(MAIL_SMTP_AUTH);
      if (!auth.equals("true") && !auth.equals("false")) {
        throw new IllegalArgumentException(
            MAIL_SMTP_AUTH + " must be true or false, was '" + auth + "'");
      }
      if (!values.get(TOPIC_PATTERN).contains("${aggregatetype}")) {
        throw new IllegalArgumentException(
            TOPIC_PATTERN + " must contain ${aggregatetype}, as the relay's does");
      }
      // Parsed here so that a malformed value is a configuration error; the runner checks the
      // floor.
      config.processedKeysRetention();
      return config;
    }

    private void required(String... keys) {
      for (String key : keys) {
        if (values.get(key).isEmpty()) {
          throw new IllegalArgumentException(
              key + " is required: set it in the properties file or as " + environmentName(key));
        }
      }
    }

    private void integer(String key, long min) {
      String value = values.get(key);
      long parsed;
      try {
        parsed = Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be a number, was '" + value + "'");
      }
      if (parsed < min || parsed > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            key + " must be within " + min + ".." + Integer.MAX_VALUE + ", was " + value);
      }
    }
  }
}
