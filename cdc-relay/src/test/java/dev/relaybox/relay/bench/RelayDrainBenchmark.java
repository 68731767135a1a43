package dev.relaybox.relay.bench;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.OtlpSink;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.relay.RelayApplication;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Backlog drain benchmark (not a test), the relay's own ceiling as in the Debezium Server peer rig:
 * starts a DevStack, starts the relay once to create its slot and stops it, commits N outbox events
 * (512-byte payloads, 4 aggregate types, 3 partitions each) while it is down, then starts the relay
 * as a child JVM ({@code -Xmx512m}) and measures, with a consumer reading every partition:
 *
 * <ul>
 *   <li>drain rate = N / (first .. last event consumed), and restart → first event;
 *   <li>relay CPU-seconds per 1,000 events over the drain window ({@code ProcessHandle} CPU time
 *       sampled at the first and last event), plus the Postgres walsender's CPU (from {@code
 *       /proc}) for the same window.
 * </ul>
 *
 * <p>Run: see cdc-relay/README.md (reactor classpath, no install). Arguments: number of events
 * (default 200,000), extra JVM options for the relay (default none), the variants to compare
 * (default {@code exactly-once,at-least-once}), rounds (default 2; the order alternates). A variant
 * is a delivery guarantee, with {@code :traced} for a relay that traces: the OpenTelemetry SDK
 * installed as {@code relaybox relay} installs it (autoconfigure from {@code otel.*}, every span
 * sampled, OTLP over HTTP to an {@link OtlpSink} in this JVM), one publish span per event (every
 * prewritten row carries a {@code traceparent}). The consumer reads {@code read_committed}.
 */
public final class RelayDrainBenchmark {
  static final String[] TYPES = {"order", "payment", "shipment", "invoice"};

  private RelayDrainBenchmark() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    String jvmOptions = args.length > 1 ? args[1] : "";
    List<String> guarantees =
        List.of((args.length > 2 ? args[2] : "exactly-once,at-least-once").split(","));
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    Path dir = Files.createTempDirectory("relay-bench");
    try (OtlpSink collector = OtlpSink.start();
        DevStack stack = DevStack.builder().schemaRegistry(false).start()) {
      DevStack.Postgres pg = stack.postgres();
      createOutbox(stack);
      for (String type : TYPES) {
        stack.kafka().createTopic("outbox.event." + type, 3);
      }
      for (int round = 1; round <= rounds; round++) {
        // alternate the order so the machine's drift hits both variants alike
        List<String> order = new ArrayList<>(guarantees);
        if (round % 2 == 0) {
          java.util.Collections.reverse(order);
        }
        for (String variant : order) {
          drain(stack, dir, events, jvmOptions, variant, round, collector);
        }
      }
    }
  }

  /** One drain of a fresh backlog by a relay of its own (slot, offsets), {@code variant}. */
  private static void drain(
      DevStack stack,
      Path dir,
      int events,
      String jvmOptions,
      String variant,
      int round,
      OtlpSink collector)
      throws Exception {
    DevStack.Postgres pg = stack.postgres();
    String guarantee = variant.replace(":traced", "");
    if (variant.endsWith(":traced")) {
      jvmOptions += tracing(collector);
    }
    String name = "bench_" + variant.replace('-', '_').replace(':', '_') + "_" + round;
    long exportsBefore = collector.requests();
    long spansBefore = collector.spans();
    int httpPort = freePort();
    Path config = writeConfig(dir, stack, httpPort, name, guarantee);
    Path log = dir.resolve(name + ".log");

    // First start creates the slot; events written after it are streamed on the next start.
    Process first = startRelay(config, log, jvmOptions);
    awaitReady(first, httpPort);
    first.destroy();
    first.waitFor(60, TimeUnit.SECONDS);

    long writeStart = System.nanoTime();
    prewrite(pg, events);
    System.out.printf(
        "prewrote events=%d in %.1f s%n", events, (System.nanoTime() - writeStart) / 1e9);

    try (KafkaConsumer<byte[], byte[]> consumer = consumer(stack.kafka().bootstrapServers())) {
      long start = System.nanoTime();
      Process relay = startRelay(config, log, jvmOptions);
      ProcessHandle handle = relay.toHandle();
      long count = 0;
      long firstAt = 0;
      long lastAt = 0;
      Duration cpuAtFirst = Duration.ZERO;
      long walsenderAtFirst = 0;
      while (count < events) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        if (!records.isEmpty()) {
          if (count == 0) {
            firstAt = System.nanoTime();
            cpuAtFirst = cpu(handle);
            walsenderAtFirst = walsenderTicks(pg, name);
          }
          count += records.count();
          lastAt = System.nanoTime();
        }
        if (!relay.isAlive()) {
          throw new IllegalStateException("relay exited, see " + log);
        }
        if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(10)) {
          throw new IllegalStateException("drain did not finish: " + count + " of " + events);
        }
      }
      Duration cpuAtLast = cpu(handle);
      long walsenderAtLast = walsenderTicks(pg, name);
      double drainSeconds = (lastAt - firstAt) / 1e9;
      double relayCpu = (cpuAtLast.toNanos() - cpuAtFirst.toNanos()) / 1e9;
      double walsenderCpu = (walsenderAtLast - walsenderAtFirst) / 100.0;
      System.out.printf(
          "RELAY DRAIN %s round=%d: events=%d drain=%.2f s rate=%.0f ev/s"
              + " restartToFirstEvent=%.1f s load=%s%n",
          variant,
          round,
          events,
          drainSeconds,
          events / drainSeconds,
          (firstAt - start) / 1e9,
          Files.readString(Path.of("/proc/loadavg")).trim());
      System.out.printf(
          "RELAY CPU %s round=%d: drain window %.2f CPU-s = %.3f CPU-s per 1,000 events (total"
              + " incl. startup %.2f CPU-s); postgres walsender %.2f CPU-s = %.3f per 1,000%n",
          variant,
          round,
          relayCpu,
          relayCpu * 1000 / events,
          cpuAtLast.toNanos() / 1e9,
          walsenderCpu,
          walsenderCpu * 1000 / events);
      relay.destroy();
      relay.waitFor(60, TimeUnit.SECONDS);
      if (variant.endsWith(":traced")) {
        // The SDK flushed at the relay's shutdown: proof that the spans were made and exported.
        System.out.printf(
            "RELAY TRACING %s round=%d: %d OTLP export requests, %d spans for %d events%n",
            variant,
            round,
            collector.requests() - exportsBefore,
            collector.spans() - spansBefore,
            events);
      }
    }
    try (Connection c = pg.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_drop_replication_slot('" + name + "')");
      s.execute("DROP PUBLICATION " + name);
      s.execute("TRUNCATE outbox");
    }
  }

  /** Creates the benchmarks' table {@code outbox} with the outbox-producer migrations. */
  static void createOutbox(DevStack stack) {
    Outbox.builder()
        .table("outbox")
        .serializer((t, d) -> new byte[0])
        .build()
        .migrate(stack.postgres().dataSource());
  }

  /** The relay JVM's options for the SDK, as {@code relaybox relay} configures it from OTEL_*. */
  private static String tracing(OtlpSink collector) {
    return " -Dotel.java.global-autoconfigure.enabled=true -Dotel.service.name=relaybox-relay"
        + " -Dotel.traces.exporter=otlp -Dotel.exporter.otlp.protocol=http/protobuf"
        + " -Dotel.exporter.otlp.endpoint="
        + collector.endpoint()
        + " -Dotel.metrics.exporter=none -Dotel.logs.exporter=none"
        // runtime's Tracing defaults (the SDK's own queue of 2,048 overflows at a 4,096 batch)
        + " -Dotel.bsp.max.queue.size=16384 -Dotel.bsp.max.export.batch.size=2048";
  }

  static Path writeConfig(Path dir, DevStack stack, int httpPort, String name, String guarantee)
      throws IOException {
    DevStack.Postgres pg = stack.postgres();
    Properties p = new Properties();
    p.setProperty("pg.host", pg.host());
    p.setProperty("pg.port", Integer.toString(pg.port()));
    p.setProperty("pg.database", pg.database());
    p.setProperty("pg.user", pg.username());
    p.setProperty("pg.password", pg.password());
    p.setProperty("kafka.bootstrap.servers", stack.kafka().bootstrapServers());
    p.setProperty("http.host", "127.0.0.1");
    p.setProperty("http.port", Integer.toString(httpPort));
    p.setProperty("relay.name", name);
    p.setProperty("slot.name", name);
    p.setProperty("publication.name", name);
    p.setProperty("offsets.topic", name + ".offsets");
    p.setProperty("delivery.guarantee", guarantee);
    Path file = dir.resolve(name + ".properties");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "relay drain benchmark");
    }
    return file;
  }

  /**
   * N rows in transactions of 50,000, generated server-side: 512-byte payloads, the first 8 bytes
   * the row's sequence number (0 to N − 1, in commit order), 1,000 aggregate ids.
   */
  static void prewrite(DevStack.Postgres pg, int events) throws SQLException {
    try (Connection c = pg.dataSource().getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      for (int from = 0; from < events; from += 50_000) {
        int to = Math.min(events, from + 50_000) - 1;
        s.executeUpdate(
            "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, headers)"
                + " SELECT gen_random_uuid(), (ARRAY['order','payment','shipment','invoice'])[i % 4 + 1],"
                + " 'agg-' || (i % 1000), 'BenchEvent', int8send(i::bigint)"
                + " || decode(repeat(lpad(to_hex(i % 256), 2, '0'), 504), 'hex'), '{\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}'"
                + " FROM generate_series("
                + from
                + ", "
                + to
                + ") i");
        c.commit();
      }
    }
  }

  static Process startRelay(Path config, Path log, String jvmOptions) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    for (String option : jvmOptions.split(" ")) {
      if (!option.isBlank()) {
        cmd.add(option);
      }
    }
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            RelayApplication.class.getName(),
            "--config",
            config.toString()));
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  static void awaitReady(Process relay, int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && relay.isAlive()) {
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // the endpoints are not up yet
      }
      relay.waitFor(200, TimeUnit.MILLISECONDS);
    }
    throw new IllegalStateException("relay did not become ready");
  }

  /** A read_committed consumer of every outbox topic, positioned at their ends. */
  static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024));
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (String type : TYPES) {
      for (int i = 0; i < 3; i++) {
        partitions.add(new TopicPartition("outbox.event." + type, i));
      }
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    return consumer;
  }

  private static Duration cpu(ProcessHandle handle) {
    return handle.info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** utime + stime (clock ticks, 100/s) of the walsender serving the relay's slot, from /proc. */
  static long walsenderTicks(DevStack.Postgres pg, String slot) throws Exception {
    int pid;
    try (Connection c = pg.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT active_pid FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
      if (!rs.next() || rs.getObject(1) == null) {
        return 0;
      }
      pid = rs.getInt(1);
    }
    String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
