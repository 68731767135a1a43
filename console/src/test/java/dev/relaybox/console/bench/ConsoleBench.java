package dev.relaybox.console.bench;

import static org.awaitility.Awaitility.await;

import dev.relaybox.console.Console;
import dev.relaybox.console.ConsoleConfig;
import dev.relaybox.devstack.DevStack;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How fast the console's pages answer with a large pipeline behind them. Not a test: it prints
 * figures.
 *
 * <p>Run from the repository root:
 *
 * <pre>
 * ./mvnw -B -q -o -pl console -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -Xmx512m -cp console/target/test-classes:console/target/classes:$(cat console/target/bench.cp) \
 *     dev.relaybox.console.bench.ConsoleBench [processedKeys=1000000] [deadEvents=10000] [requests=200]
 * </pre>
 *
 * The dev stack's database holds {@code processedKeys} processed keys of three groups and {@code
 * deadEvents} dead events of one (the consumer framework's dead-set table), and an outbox topic of
 * 3 partitions holds 30,000 records of 3,000 keys, which the groups have consumed. A console shows
 * the three groups; each page is fetched {@code requests} times after 20 warm-up fetches, one at a
 * time, and the bench prints p50, p95, p99 and max per page.
 */
public final class ConsoleBench {

  private static final int RECORDS = 30_000;
  private static final int KEYS = 3_000;

  private ConsoleBench() {}

  public static void main(String[] args) throws Exception {
    int processed = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int dead = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int requests = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    try (DevStack stack = DevStack.builder().start()) {
      long t0 = System.nanoTime();
      fill(stack, processed, dead);
      produceAndCommit(stack);
      System.out.printf(Locale.ROOT, "fixture ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      ConsoleConfig.Builder config =
          ConsoleConfig.builder()
              .setAll(stack.relayProperties())
              .set("schema.registry.url", stack.schemaRegistry().url())
              .set("http.port", "0")
              .set("topic.pattern", "bench.${aggregatetype}")
              .set("groups", "g0,g1,g2")
              .set("audit.file", Files.createTempFile("console-bench", ".log").toString());
      for (String g : List.of("g0", "g1", "g2")) {
        config.set("group." + g + ".db.schema", "bench");
      }
      try (Console console = Console.start(config.build())) {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        // the first samples
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> get(http, console.url()).contains("g0"));
        Map<String, String> pages = new java.util.LinkedHashMap<>();
        pages.put("overview", "/");
        pages.put("overview live fragment", "/live/overview");
        pages.put("topics & recovery", "/topics");
        pages.put("trace by key (10 events)", "/trace?q=o-42");
        pages.put("audit", "/audit");
        pages.putAll(BenchPages.deadSetPages());
        System.out.printf(
            Locale.ROOT,
            "%n== console pages: %,d processed keys, %,d dead events, %,d records; %d requests"
                + " each ==%n%-34s %8s %8s %8s %8s%n",
            processed,
            dead,
            RECORDS,
            requests,
            "page",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms");
        for (Map.Entry<String, String> page : pages.entrySet()) {
          URI uri = console.url().resolve(page.getValue());
          for (int i = 0; i < 20; i++) {
            get(http, uri);
          }
          List<Double> ms = new ArrayList<>();
          for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            get(http, uri);
            ms.add((System.nanoTime() - start) / 1e6);
          }
          Collections.sort(ms);
          System.out.printf(
              Locale.ROOT,
              "%-34s %8.1f %8.1f %8.1f %8.1f%n",
              page.getKey(),
              ms.get(ms.size() / 2),
              ms.get((int) (ms.size() * 0.95)),
              ms.get((int) (ms.size() * 0.99)),
              ms.get(ms.size() - 1));
        }
      }
    }
  }

  private static String get(HttpClient http, URI uri) throws Exception {
    HttpResponse<String> r =
        http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  private static void fill(DevStack stack, int processed, int dead) throws Exception {
    try (Connection c = stack.postgres().dataSource().getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA bench");
      // the consumer framework's processed keys (V1, V2) and dead set (V3)
      st.execute(
          "CREATE TABLE bench.processed_keys (consumer_group varchar(255) COLLATE \"C\" NOT NULL,"
              + " event_id uuid NOT NULL, processed_at timestamptz NOT NULL DEFAULT now(),"
              + " PRIMARY KEY (consumer_group, event_id))");
      st.execute(
          "CREATE INDEX processed_keys_retention_idx ON bench.processed_keys"
              + " (consumer_group, processed_at)");
      st.execute(
          "INSERT INTO bench.processed_keys SELECT 'g' || (i % 3), gen_random_uuid(),"
              + " now() - (i || ' ms')::interval FROM generate_series(1, "
              + processed
              + ") i");
      st.execute(BenchPages.deadSetDdl());
      st.execute(BenchPages.deadSetRows(dead));
      st.execute("ANALYZE bench.processed_keys");
    }
  }

  private static void produceAndCommit(DevStack stack) throws Exception {
    stack.kafka().createTopic("bench.order", 3);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
    org.apache.avro.Schema schema =
        new org.apache.avro.Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"OrderPlaced\",\"namespace\":\"bench\","
                    + "\"fields\":[{\"name\":\"orderId\",\"type\":\"string\"},"
                    + "{\"name\":\"amountMinor\",\"type\":\"long\"}]}");
    dev.relaybox.schemas.serde.AvroSerializer avro =
        new dev.relaybox.schemas.serde.AvroSerializer(
            dev.relaybox.schemas.registry.SchemaRegistryClient.builder()
                .urls(stack.schemaRegistry().url())
                .build(),
            dev.relaybox.schemas.serde.SerdeConfig.builder().autoRegisterSchemas(true).build());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < RECORDS; i++) {
        org.apache.avro.generic.GenericRecord value =
            new org.apache.avro.generic.GenericData.Record(schema);
        value.put("orderId", "o-" + (i % KEYS));
        value.put("amountMinor", (long) i);
        ProducerRecord<byte[], byte[]> r =
            new ProducerRecord<>(
                "bench.order",
                ("o-" + (i % KEYS)).getBytes(StandardCharsets.UTF_8),
                avro.serialize("bench.order", value));
        r.headers().add("id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        r.headers().add("eventType", "OrderPlaced".getBytes(StandardCharsets.UTF_8));
        producer.send(r);
      }
    }
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (int partition = 0; partition < 3; partition++) {
        offsets.put(new TopicPartition("bench.order", partition), new OffsetAndMetadata(0));
      }
      var ends =
          admin
              .listOffsets(
                  Map.of(
                      new TopicPartition("bench.order", 0),
                      org.apache.kafka.clients.admin.OffsetSpec.latest(),
                      new TopicPartition("bench.order", 1),
                      org.apache.kafka.clients.admin.OffsetSpec.latest(),
                      new TopicPartition("bench.order", 2),
                      org.apache.kafka.clients.admin.OffsetSpec.latest()))
              .all()
              .get();
      ends.forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(info.offset())));
      for (String g : List.of("g0", "g1", "g2")) {
        admin.alterConsumerGroupOffsets(g, offsets).all().get();
      }
    }
  }
}
