package dev.relaybox.consumers;

import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.devstack.DevStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;

/** Shared helpers of the consumer tests: unique names, an effects table, records with ids. */
public final class TestSupport {

  /** First byte of a value the {@link #DESERIALIZER} rejects, like a wrong Confluent magic byte. */
  public static final byte POISON = (byte) 0xFF;

  /** UTF-8 text; rejects values starting with {@link #POISON} as a real serde rejects garbage. */
  public static final Deserializer<Object> DESERIALIZER =
      new Deserializer<>() {
        @Override
        public Object deserialize(String topic, byte[] data) {
          if (data == null) {
            return null;
          }
          if (data.length > 0 && data[0] == POISON) {
            throw new SerializationException("Unknown magic byte " + data[0] + " on " + topic);
          }
          return new String(data, StandardCharsets.UTF_8);
        }
      };

  /** The environment variable that carries the database password to a child JVM. */
  public static final String DB_PASSWORD_ENV = "RELAYBOX_TEST_DB_PASSWORD";

  private TestSupport() {}

  public static String unique(String prefix) {
    return prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
  }

  public static HikariDataSource pool(DevStack stack, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(stack.postgres().jdbcUrl());
    config.setUsername(stack.postgres().username());
    config.setPassword(stack.postgres().password());
    config.setMaximumPoolSize(size);
    return new HikariDataSource(config);
  }

  /** An effects table without any uniqueness, so that a double effect shows as a second row. */
  public static void createEffectsTable(DataSource ds, String table) throws SQLException {
    execute(
        ds,
        "CREATE TABLE "
            + table
            + " (seq bigserial PRIMARY KEY, event_id uuid NOT NULL, event_key text, body text)");
  }

  /** The pure-DB handler of most tests: one row per applied event. */
  public static EventHandler effectsHandler(String table) {
    String sql = "INSERT INTO " + table + " (event_id, event_key, body) VALUES (?, ?, ?)";
    return (event, tx) -> {
      try (var ps = tx.prepareStatement(sql)) {
        ps.setObject(1, event.eventId());
        ps.setString(2, event.key());
        ps.setString(3, (String) event.value());
        ps.executeUpdate();
      }
    };
  }

  public static void execute(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  public static long queryLong(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  public static KafkaProducer<byte[], byte[]> producer(DevStack stack) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    // Test input must arrive whatever the load on a 2-core CI machine: one request in flight and
    // long timeouts. (Under load, a run once failed with OUT_OF_ORDER_SEQUENCE_NUMBER after
    // request timeouts with five in flight.)
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** A record as the relay publishes it: key, value and the {@code id} header. */
  public static ProducerRecord<byte[], byte[]> event(
      String topic, UUID id, String key, String value) {
    Headers headers = new RecordHeaders();
    if (id != null) {
      headers.add(ConsumedEvent.ID_HEADER, id.toString().getBytes(StandardCharsets.UTF_8));
    }
    headers.add(ConsumedEvent.EVENT_TYPE_HEADER, "TestEvent".getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(
        topic,
        null,
        key.getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8),
        headers);
  }

  /** Sends and waits for every acknowledgement. */
  public static void sendAll(DevStack stack, List<ProducerRecord<byte[], byte[]>> records)
      throws Exception {
    try (var producer = producer(stack)) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      for (var r : records) {
        sent.add(producer.send(r));
      }
      for (var f : sent) {
        f.get();
      }
    }
  }

  /** Reads a topic from the beginning until {@code count} records arrived. */
  public static List<ConsumerRecord<byte[], byte[]>> readTopic(
      DevStack stack, String topic, int count) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, unique("reader"));
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= count;
              });
    }
    return out;
  }

  public static String header(ConsumerRecord<?, ?> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** A runner builder with the stack's addresses and short backoffs for tests. */
  public static ConsumerRunner.Builder runner(
      DevStack stack, DataSource ds, String group, String topic) {
    return ConsumerRunner.builder()
        .bootstrapServers(stack.kafka().bootstrapServers())
        .groupId(group)
        .topics(topic)
        .dataSource(ds)
        .deserializer(DESERIALIZER)
        .processedKeysTable(group + "_keys")
        .initialBackoff(Duration.ofMillis(50))
        .maxBackoff(Duration.ofMillis(400))
        .pollTimeout(Duration.ofMillis(200))
        .consumerProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000")
        .consumerProperty(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
  }

  /**
   * Builds and starts a runner, waits up to 60 s until {@code done}, then closes the runner (it
   * finishes its batch and commits its offsets).
   */
  public static void runUntil(ConsumerRunner.Builder runner, Callable<Boolean> done) {
    try (ConsumerRunner started = runner.build().start()) {
      await().atMost(Duration.ofSeconds(60)).until(done);
    }
  }

  /**
   * Rows of {@code group} in its retry set ({@code <group>_keys_retry_set}, see {@link #runner}).
   */
  public static long retryRows(DataSource ds, String group) throws SQLException {
    return queryLong(
        ds,
        "SELECT count(*) FROM " + group + "_keys_retry_set WHERE consumer_group = '" + group + "'");
  }

  /** The dead set next to the processed keys of {@link #runner}. */
  public static DeadSet deadSet(DataSource ds, String group) {
    return DeadSet.of(ds, "public", group + "_keys");
  }

  /** The bodies of the effect rows of {@code key}, in the order they were applied. */
  public static List<String> bodies(DataSource ds, String effects, String key) throws SQLException {
    List<String> bodies = new ArrayList<>();
    try (Connection c = ds.getConnection();
        var ps =
            c.prepareStatement(
                "SELECT body FROM " + effects + " WHERE event_key = ? ORDER BY seq")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          bodies.add(rs.getString(1));
        }
      }
    }
    return bodies;
  }

  /** A gauge's value, or 0 when it is not registered. */
  public static double gauge(io.micrometer.core.instrument.MeterRegistry registry, String name) {
    var gauge = registry.find(name).gauge();
    return gauge == null ? 0 : gauge.value();
  }

  public static double count(io.micrometer.core.instrument.MeterRegistry registry, String name) {
    return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  /**
   * Starts {@code main} in a JVM of its own (384 MB heap, this JVM's classpath), appending its
   * output to {@code log}. Its arguments are the stack's bootstrap servers, JDBC URL and database
   * user, then {@code args}; the database password goes in the environment variable {@value
   * #DB_PASSWORD_ENV}, never on the command line.
   */
  public static Process startChild(DevStack stack, Class<?> main, Path log, String... args)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName(),
                stack.kafka().bootstrapServers(),
                stack.postgres().jdbcUrl(),
                stack.postgres().username()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put(DB_PASSWORD_ENV, stack.postgres().password());
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return pb.start();
  }

  /** In a {@link #startChild child}: a pool of two, with the password from its environment. */
  public static HikariDataSource childPool(String jdbcUrl, String username) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(username);
    config.setPassword(System.getenv(DB_PASSWORD_ENV));
    config.setMaximumPoolSize(2);
    return new HikariDataSource(config);
  }

  /**
   * In a {@link #startChild child}: starts the runner and blocks until the JVM is told to stop
   * (SIGTERM); the shutdown hook closes the runner, then {@code alsoClose} in order. A SIGKILL
   * closes nothing, which is what the kill tests want.
   */
  public static void runUntilStopped(ConsumerRunner runner, Runnable... alsoClose)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  runner.close();
                  for (Runnable close : alsoClose) {
                    close.run();
                  }
                  stopped.countDown();
                }));
    runner.start();
    System.out.println("child started");
    stopped.await();
  }
}
