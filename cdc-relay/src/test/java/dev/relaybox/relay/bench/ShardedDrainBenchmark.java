package dev.relaybox.relay.bench;

import dev.relaybox.devstack.DevStack;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Sharded backlog drain benchmark (not a test): the same backlog of N outbox events (512-byte
 * payloads starting with the event's sequence number, 1,000 aggregates, 4 aggregate types × 3
 * partitions) drained by 1, 2, 4 … exactly-once relays ({@code shard.count}), each a child JVM with
 * its own slot and row-filtered publication. A read_committed consumer checks that every sequence
 * number arrives once (0 lost, 0 doubled) and that each aggregate's sequence numbers arrive in
 * increasing order, and the benchmark prints the drain rate (first → last event), the relays' CPU
 * (summed over the shards' JVMs) and the walsenders' CPU per 1,000 events over the drain window,
 * and the load average.
 *
 * <p>Run: see cdc-relay/README.md. Arguments: number of events (default 100,000), shard counts
 * (default {@code 1,2,4}), relay JVM options (default {@code -Xmx384m}), rounds (default 1).
 */
public final class ShardedDrainBenchmark {
  private ShardedDrainBenchmark() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    String[] counts = (args.length > 1 ? args[1] : "1,2,4").split(",");
    String jvmOptions = args.length > 2 ? args[2] : "-Xmx384m";
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    Path dir = Files.createTempDirectory("relay-shard-bench");
    try (DevStack stack = DevStack.builder().schemaRegistry(false).start()) {
      RelayDrainBenchmark.createOutbox(stack);
      for (String type : RelayDrainBenchmark.TYPES) {
        stack.kafka().createTopic("outbox.event." + type, 3);
      }
      for (int round = 1; round <= rounds; round++) {
        for (String count : counts) {
          drain(stack, dir, events, Integer.parseInt(count), jvmOptions, round);
        }
      }
    }
  }

  private static void drain(
      DevStack stack, Path dir, int events, int shards, String jvmOptions, int round)
      throws Exception {
    String name = "shards_" + shards + "_" + round;
    List<Path> configs = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      int port = RelayDrainBenchmark.freePort();
      Path shardDir = Files.createDirectories(dir.resolve(name + "-" + i));
      Path config = RelayDrainBenchmark.writeConfig(shardDir, stack, port, name, "exactly-once");
      Files.writeString(
          config, "shard.count=" + shards + "\nshard.index=" + i + "\n", StandardOpenOption.APPEND);
      configs.add(config);
      ports.add(port);
    }
    // First start creates the shards' slots; the backlog written after it is streamed next.
    List<Process> first = startAll(dir, name, configs, jvmOptions);
    for (int i = 0; i < shards; i++) {
      RelayDrainBenchmark.awaitReady(first.get(i), ports.get(i));
    }
    stopAll(first);
    RelayDrainBenchmark.prewrite(stack.postgres(), events);

    try (KafkaConsumer<byte[], byte[]> consumer =
        RelayDrainBenchmark.consumer(stack.kafka().bootstrapServers())) {
      long start = System.nanoTime();
      List<Process> relays = startAll(dir, name, configs, jvmOptions);
      BitSet seen = new BitSet(events);
      Map<String, Long> lastSeq = new HashMap<>();
      long records = 0;
      long outOfOrder = 0;
      long firstAt = 0;
      long lastAt = 0;
      double cpuAtFirst = 0;
      long walAtFirst = 0;
      while (seen.cardinality() < events) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (records++ == 0) {
            firstAt = System.nanoTime();
            cpuAtFirst = cpuSeconds(relays);
            walAtFirst = walsenderTicks(stack, name, shards);
          }
          long seq = ByteBuffer.wrap(r.value()).getLong();
          seen.set((int) seq);
          Long previous =
              lastSeq.put(r.topic() + "/" + new String(r.key(), StandardCharsets.UTF_8), seq);
          if (previous != null && previous >= seq) {
            outOfOrder++;
          }
          lastAt = System.nanoTime();
        }
        if (relays.stream().anyMatch(p -> !p.isAlive())) {
          throw new IllegalStateException("a relay exited, see " + dir);
        }
        if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(15)) {
          throw new IllegalStateException("drain unfinished: " + seen.cardinality() + "/" + events);
        }
      }
      double cpu = cpuSeconds(relays) - cpuAtFirst;
      double walsender = (walsenderTicks(stack, name, shards) - walAtFirst) / 100.0;
      double seconds = (lastAt - firstAt) / 1e9;
      System.out.printf(
          "SHARDED DRAIN shards=%d round=%d: events=%d lost=%d doubled=%d outOfOrder=%d"
              + " drain=%.2f s rate=%.0f ev/s restartToFirstEvent=%.1f s relayCpu=%.3f CPU-s/1000"
              + " walsenderCpu=%.3f CPU-s/1000 load=%s%n",
          shards,
          round,
          events,
          events - seen.cardinality(),
          records - seen.cardinality(),
          outOfOrder,
          seconds,
          events / seconds,
          (firstAt - start) / 1e9,
          cpu * 1000 / events,
          walsender * 1000 / events,
          Files.readString(Path.of("/proc/loadavg")).trim());
      stopAll(relays);
    }
    try (Connection c = stack.postgres().dataSource().getConnection();
        Statement s = c.createStatement()) {
      for (int i = 0; i < shards; i++) {
        String slot = shardSlot(name, shards, i);
        s.execute("SELECT pg_drop_replication_slot('" + slot + "')");
        s.execute("DROP PUBLICATION " + slot);
      }
      s.execute("TRUNCATE outbox");
    }
  }

  private static String shardSlot(String name, int shards, int index) {
    return shards == 1 ? name : name + "_shard_" + index + "_of_" + shards;
  }

  private static List<Process> startAll(
      Path dir, String name, List<Path> configs, String jvmOptions) throws IOException {
    List<Process> relays = new ArrayList<>();
    for (int i = 0; i < configs.size(); i++) {
      relays.add(
          RelayDrainBenchmark.startRelay(
              configs.get(i), dir.resolve(name + "-" + i + ".log"), jvmOptions));
    }
    return relays;
  }

  private static void stopAll(List<Process> relays) throws InterruptedException {
    relays.forEach(Process::destroy);
    for (Process p : relays) {
      p.waitFor(60, TimeUnit.SECONDS);
    }
  }

  private static double cpuSeconds(List<Process> relays) {
    return relays.stream()
            .mapToLong(p -> p.toHandle().info().totalCpuDuration().orElse(Duration.ZERO).toNanos())
            .sum()
        / 1e9;
  }

  private static long walsenderTicks(DevStack stack, String name, int shards) throws Exception {
    long ticks = 0;
    for (int i = 0; i < shards; i++) {
      ticks += RelayDrainBenchmark.walsenderTicks(stack.postgres(), shardSlot(name, shards, i));
    }
    return ticks;
  }
}
