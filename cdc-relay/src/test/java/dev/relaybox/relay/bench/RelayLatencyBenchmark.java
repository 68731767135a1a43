package dev.relaybox.relay.bench;

import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Commit → Kafka latency benchmark (not a test), as the side-by-side rig's latency phase: the relay
 * runs as a child JVM ({@code -Xmx512m}); 4 writers commit one 512-byte outbox event per
 * transaction, 1,000 events/s in all (fsync and synchronous_commit on); a read_committed consumer
 * in this JVM notes when each event arrives. Latency = arrival − return of the writer's commit, on
 * this JVM's clock; 10 s warm-up, then 30 s measured, per delivery guarantee, alternating.
 *
 * <p>Run like {@link RelayDrainBenchmark} (cdc-relay/README.md), main class {@code
 * dev.relaybox.relay.bench.RelayLatencyBenchmark}. Arguments: events/s (default 1,000), measured
 * seconds (default 30), guarantees (default {@code exactly-once,at-least-once}), rounds (2).
 */
public final class RelayLatencyBenchmark {
  private static final int WRITERS = 4;
  private static final int WARM_UP_SECONDS = 10;

  private RelayLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    List<String> guarantees =
        List.of((args.length > 2 ? args[2] : "exactly-once,at-least-once").split(","));
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    Path dir = Files.createTempDirectory("relay-latency");
    try (DevStack stack = DevStack.builder().schemaRegistry(false).start()) {
      RelayDrainBenchmark.createOutbox(stack);
      stack.kafka().createTopic("outbox.event.lat", 3);
      for (int round = 1; round <= rounds; round++) {
        List<String> order = new ArrayList<>(guarantees);
        if (round % 2 == 0) {
          Collections.reverse(order);
        }
        for (String guarantee : order) {
          measure(stack, dir, rate, seconds, guarantee, round);
        }
      }
    }
  }

  private static void measure(
      DevStack stack, Path dir, int rate, int seconds, String guarantee, int round)
      throws Exception {
    String name = "lat_" + guarantee.replace('-', '_') + "_" + round;
    int port = RelayDrainBenchmark.freePort();
    Path config = RelayDrainBenchmark.writeConfig(dir, stack, port, name, guarantee);
    Process relay = RelayDrainBenchmark.startRelay(config, dir.resolve(name + ".log"), "");
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(stack)) {
      RelayDrainBenchmark.awaitReady(relay, port);
      Map<String, Long> committed = new ConcurrentHashMap<>();
      Map<String, Long> arrived = new ConcurrentHashMap<>();
      AtomicBoolean measuring = new AtomicBoolean();
      AtomicLong written = new AtomicLong();
      AtomicBoolean reading = new AtomicBoolean(true);
      Thread reader =
          new Thread(
              () -> {
                while (reading.get()) {
                  for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    arrived.put(
                        new String(r.headers().lastHeader("id").value(), StandardCharsets.UTF_8),
                        now);
                  }
                }
              },
              "latency-reader");
      reader.start();
      ScheduledExecutorService writers = Executors.newScheduledThreadPool(WRITERS);
      long periodMicros = 1_000_000L * WRITERS / rate;
      List<Connection> connections = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        Connection c = stack.postgres().dataSource().getConnection();
        connections.add(c);
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)"
                    + " VALUES (?, 'lat', ?, 'LatEvent', ?)");
        byte[] payload = new byte[512];
        Arrays.fill(payload, (byte) w);
        writers.scheduleAtFixedRate(
            () -> {
              try {
                UUID id = UUID.randomUUID();
                insert.setObject(1, id);
                insert.setString(2, "agg-" + (written.incrementAndGet() % 1000));
                insert.setBytes(3, payload);
                insert.executeUpdate();
                long at = System.nanoTime();
                if (measuring.get()) {
                  committed.put(id.toString(), at);
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            0,
            periodMicros,
            TimeUnit.MICROSECONDS);
      }
      // Not synchronisation: the warm-up and the measurement are windows of wall time at a fixed
      // insert rate, so sleeping through them is the measurement.
      Thread.sleep(TimeUnit.SECONDS.toMillis(WARM_UP_SECONDS));
      measuring.set(true);
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      measuring.set(false);
      writers.shutdown();
      writers.awaitTermination(30, TimeUnit.SECONDS);
      try {
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> arrived.keySet().containsAll(committed.keySet()));
      } catch (ConditionTimeoutException e) {
        // what has not arrived by then shows as measured > received below
      }
      reading.set(false);
      reader.join();
      for (Connection c : connections) {
        c.close();
      }
      long[] latencies =
          committed.entrySet().stream()
              .filter(e -> arrived.containsKey(e.getKey()))
              .mapToLong(e -> arrived.get(e.getKey()) - e.getValue())
              .sorted()
              .toArray();
      System.out.printf(
          "RELAY LATENCY %s round=%d: rate=%d ev/s measured=%d received=%d commit->kafka"
              + " p50=%.1f ms p99=%.1f ms max=%.1f ms load=%s%n",
          guarantee,
          round,
          rate,
          committed.size(),
          latencies.length,
          percentile(latencies, 0.50),
          percentile(latencies, 0.99),
          latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6,
          Files.readString(Path.of("/proc/loadavg")).trim());
    } finally {
      relay.destroy();
      relay.waitFor(60, TimeUnit.SECONDS);
      try (Connection c = stack.postgres().dataSource().getConnection();
          Statement s = c.createStatement()) {
        s.execute("SELECT pg_drop_replication_slot('" + name + "')");
        s.execute("DROP PUBLICATION " + name);
        s.execute("TRUNCATE outbox");
      }
    }
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  private static KafkaConsumer<byte[], byte[]> consumer(DevStack stack) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      partitions.add(new TopicPartition("outbox.event.lat", i));
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    return consumer;
  }
}
