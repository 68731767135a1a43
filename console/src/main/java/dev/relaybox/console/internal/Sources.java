package dev.relaybox.console.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.config.CommonSettings;
import dev.relaybox.config.SqlIdentifier;
import dev.relaybox.config.TopicPattern;
import dev.relaybox.console.ConsoleConfig;
import dev.relaybox.console.internal.ConsoleSettings.GroupSettings;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import dev.relaybox.schemas.serde.AvroDeserializer;
import dev.relaybox.schemas.serde.SerdeConfig;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where the console reads from, opened once: the Kafka admin client, a small pool per database (the
 * outbox's, and each group's; groups on the same database share one), the schema registry, an HTTP
 * client for the services. Thread-safe.
 */
public final class Sources implements AutoCloseable {

  /** An effect table: rows whose {@code column} is the event id ({@code event_id}) or its key. */
  public record Effect(String table, String column) {
    /** Whether rows are matched on the event's key rather than its id. */
    public boolean byKey() {
      return !column.equals("event_id");
    }
  }

  /** A consumer group and where its processed keys, retry and dead sets and effects live. */
  public record Group(
      String name, DataSource db, String schema, String table, String url, List<Effect> effects) {

    /** {@code "schema"."table<suffix>"}, e.g. the processed keys or {@code _dead_set}. */
    public String qualified(String suffix) {
      return SqlIdentifier.qualified(schema, table + suffix);
    }
  }

  private final ConsoleConfig config;
  private final Admin admin;
  private final HikariDataSource outboxDb;
  private final Map<String, HikariDataSource> pools = new LinkedHashMap<>();
  private final Map<String, Group> configured = new LinkedHashMap<>();
  private final SchemaRegistryClient registry;
  private final AvroDeserializer deserializer;
  private final HttpClient http;
  private final Pattern outboxTopics;

  public Sources(ConsoleConfig config) {
    this.config = config;
    Map<String, Object> admin = new LinkedHashMap<>();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka());
    admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    admin.put(AdminClientConfig.CLIENT_ID_CONFIG, "relaybox-console");
    this.admin = Admin.create(admin);
    this.outboxDb =
        pool(
            CommonSettings.jdbcUrl(config),
            config.get(CommonSettings.PG_USER),
            config.get(CommonSettings.PG_PASSWORD));
    for (String name : config.groups()) {
      GroupSettings s = GroupSettings.of(name);
      String url =
          "jdbc:postgresql://"
              + or(config.get(s.pgHost()), config.get(CommonSettings.PG_HOST))
              + ":"
              + or(config.get(s.pgPort()), config.get(CommonSettings.PG_PORT))
              + "/"
              + or(config.get(s.pgDatabase()), config.get(CommonSettings.PG_DATABASE))
              + "?sslmode="
              + config.get(CommonSettings.PG_SSLMODE);
      DataSource db =
          pool(
              url,
              or(config.get(s.pgUser()), config.get(CommonSettings.PG_USER)),
              or(config.get(s.pgPassword()), config.get(CommonSettings.PG_PASSWORD)));
      List<Effect> effects = new ArrayList<>();
      List<String> specs = config.get(s.effects());
      for (String spec : specs == null ? List.<String>of() : specs) {
        int colon = spec.indexOf(':');
        effects.add(
            colon < 0
                ? new Effect(spec, "event_id")
                : new Effect(spec.substring(0, colon), spec.substring(colon + 1)));
      }
      configured.put(
          name,
          new Group(
              name,
              db,
              config.get(s.schema()),
              config.get(s.processedKeysTable()),
              config.get(s.url()),
              List.copyOf(effects)));
    }
    this.registry =
        SchemaRegistryClient.builder()
            .urls(config.get(CommonSettings.SCHEMA_REGISTRY_URL))
            .requestTimeout(Duration.ofSeconds(5))
            .build();
    this.deserializer = new AvroDeserializer(registry, SerdeConfig.defaults());
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    TopicPattern pattern = config.get(CommonSettings.TOPIC_PATTERN);
    this.outboxTopics = regex(pattern);
  }

  /** A regex matching every topic {@code pattern} gives. */
  static Pattern regex(TopicPattern pattern) {
    String text = pattern.toString();
    int at = text.indexOf(TopicPattern.PLACEHOLDER);
    if (at < 0) {
      return Pattern.compile(Pattern.quote(text));
    }
    return Pattern.compile(
        Pattern.quote(text.substring(0, at))
            + ".+"
            + Pattern.quote(text.substring(at + TopicPattern.PLACEHOLDER.length())));
  }

  private static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }

  private HikariDataSource pool(String url, String user, String password) {
    return pools.computeIfAbsent(
        url + " " + user,
        k -> {
          HikariConfig c = new HikariConfig();
          c.setJdbcUrl(url);
          c.setUsername(user);
          c.setPassword(password);
          c.setMaximumPoolSize(4);
          c.setMinimumIdle(0);
          c.setConnectionTimeout(3_000);
          c.setInitializationFailTimeout(-1); // start even while a database is down
          c.setPoolName("relaybox-console-" + (pools.size() + 1));
          c.setReadOnly(false);
          Properties p = new Properties();
          p.setProperty("ApplicationName", "relaybox-console");
          c.setDataSourceProperties(p);
          return new HikariDataSource(c);
        });
  }

  private String kafka() {
    return config.get(CommonSettings.KAFKA_BOOTSTRAP_SERVERS);
  }

  public ConsoleConfig config() {
    return config;
  }

  public Admin admin() {
    return admin;
  }

  /** The outbox database (outbox table, replication slot). */
  public DataSource outboxDb() {
    return outboxDb;
  }

  /** Whether {@code topic} is an outbox topic (by {@code topic.pattern}). */
  public boolean isOutboxTopic(String topic) {
    return outboxTopics.matcher(topic).matches();
  }

  /** The groups named by {@code groups}; empty when the console discovers them. */
  public List<String> configuredGroups() {
    return config.groups();
  }

  /**
   * Group {@code name}: as configured, or (for a discovered group) on the outbox database with the
   * default names.
   */
  public Group group(String name) {
    Group g = configured.get(name);
    return g != null ? g : new Group(name, outboxDb, "public", "processed_keys", null, List.of());
  }

  public AvroDeserializer deserializer() {
    return deserializer;
  }

  public HttpClient http() {
    return http;
  }

  /**
   * A consumer of raw records that never joins a group (the console assigns partitions itself),
   * reading committed records only; the caller closes it.
   */
  public KafkaConsumer<byte[], byte[]> consumer() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka());
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "relaybox-console-reader");
    return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
    pools.values().forEach(HikariDataSource::close);
  }
}
