package dev.relaybox.config;

import java.time.Duration;

/**
 * The settings several services share, defined once: where Kafka, the schema registry and Postgres
 * are, where the outbox and the relay's slot are, and how aggregate types map to topics. The relay,
 * the consumer host and the console list these in their own {@link Settings}.
 */
public final class CommonSettings {

  private CommonSettings() {}

  public static final Setting<String> KAFKA_BOOTSTRAP_SERVERS =
      Setting.text("kafka.bootstrap.servers")
          .doc("Kafka bootstrap servers, `host:port[,host:port...]`")
          .build();

  public static final Setting<String> SCHEMA_REGISTRY_URL =
      Setting.text("schema.registry.url")
          .doc("Confluent-compatible schema registry, e.g. `http://registry:8081`")
          .build();

  public static final Setting<String> PG_HOST =
      Setting.text("pg.host").defaultValue("localhost").doc("Postgres host").build();

  public static final Setting<Integer> PG_PORT =
      Setting.integer("pg.port", 1, 65535).defaultValue("5432").doc("Postgres port").build();

  public static final Setting<String> PG_DATABASE =
      Setting.text("pg.database").doc("Postgres database").build();

  public static final Setting<String> PG_USER =
      Setting.text("pg.user").doc("Postgres user").build();

  public static final Setting<String> PG_PASSWORD =
      Setting.text("pg.password")
          .optional()
          .secret()
          .doc("Postgres password; never logged")
          .build();

  public static final Setting<String> PG_SSLMODE =
      Setting.oneOf(
              "pg.sslmode", "disable", "allow", "prefer", "require", "verify-ca", "verify-full")
          .defaultValue("prefer")
          .doc("pgjdbc `sslmode`")
          .build();

  public static final Setting<TopicPattern> TOPIC_PATTERN =
      Setting.topicPattern("topic.pattern")
          .defaultValue(TopicPattern.DEFAULT)
          .doc("topic of an outbox row; `${aggregatetype}` stands for its aggregate type")
          .build();

  public static final Setting<String> OUTBOX_SCHEMA =
      Setting.identifier("outbox.schema", 63)
          .defaultValue("public")
          .doc("schema of the outbox table")
          .build();

  /** At most 48 characters: the outbox's Flyway history table and index append a suffix. */
  public static final Setting<String> OUTBOX_TABLE =
      Setting.identifier("outbox.table", 48)
          .defaultValue("outbox")
          .doc("outbox table name")
          .build();

  public static final Setting<String> SLOT_NAME =
      Setting.identifier("slot.name", 63)
          .defaultValue("relaybox_outbox")
          .doc("the relay's logical replication slot (created by the relay if missing)")
          .build();

  public static final Setting<String> HTTP_HOST =
      Setting.text("http.host")
          .defaultValue("0.0.0.0")
          .doc("bind address of `/health`, `/ready` and `/metrics`")
          .build();

  public static final Setting<Duration> STARTUP_BACKOFF_INITIAL =
      Setting.millis("startup.backoff.initial.ms", 1, Integer.MAX_VALUE)
          .defaultValue("500")
          .doc(
              "first delay before trying again to reach a dependency (Postgres) that is down at"
                  + " start; the service waits, `/health` up and `/ready` not, instead of exiting")
          .build();

  public static final Setting<Duration> STARTUP_BACKOFF_MAX =
      Setting.millis("startup.backoff.max.ms", 1, Integer.MAX_VALUE)
          .defaultValue("1000")
          .doc(
              "cap of that delay (doubles per attempt): a service is back within about this long"
                  + " after its dependency is; the wait is logged every few seconds")
          .build();

  /** The HTTP port setting with the service's own default port. */
  public static Setting<Integer> httpPort(int defaultPort) {
    return Setting.integer("http.port", -1, 65535)
        .defaultValue(Integer.toString(defaultPort))
        .doc("port of the HTTP endpoints; `0` = any free port, `-1` = no HTTP")
        .build();
  }

  /** {@code jdbc:postgresql://host:port/database?sslmode=...}, without credentials. */
  public static String jdbcUrl(ServiceConfig config) {
    return "jdbc:postgresql://"
        + config.get(PG_HOST)
        + ":"
        + config.get(PG_PORT)
        + "/"
        + config.get(PG_DATABASE)
        + "?sslmode="
        + config.get(PG_SSLMODE);
  }
}
