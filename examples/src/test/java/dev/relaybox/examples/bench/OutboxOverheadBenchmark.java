package dev.relaybox.examples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.examples.OrderLineItem;
import dev.relaybox.examples.OrderService;
import dev.relaybox.outbox.CleanupMode;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import dev.relaybox.outbox.OutboxSweeper;
import dev.relaybox.schemas.events.OrderPlaced;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * How much the outbox adds to a business transaction: {@code OrderService.placeOrder} (one {@code
 * orders} row, two {@code order_lines} rows, commit) with the {@code OrderPlaced} event in the
 * default mode (insert + delete), in RETAIN mode, and without any event, against a devstack
 * Postgres with fsync and synchronous_commit on. Prints tx/s, mean/p50/p99 latency and the ratio to
 * the baseline per round. Not a test.
 *
 * <p>Run: {@code mvn -B -pl examples -am test-compile -Pbench} (profile in examples/pom.xml; system
 * properties {@code bench.transactions}, {@code bench.rounds}, {@code bench.warmup}, {@code
 * bench.threads} there).
 */
public final class OutboxOverheadBenchmark {

  private static final List<OrderLineItem> LINES =
      List.of(new OrderLineItem("SKU-1", 2, 1_250), new OrderLineItem("SKU-2", 1, 499));

  private OutboxOverheadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int transactions = Integer.getInteger("bench.transactions", 3_000);
    int rounds = Integer.getInteger("bench.rounds", 3);
    int warmup = Integer.getInteger("bench.warmup", 1_000);
    int threads = Integer.getInteger("bench.threads", 1);

    try (DevStack stack =
            DevStack.builder().kafka(false).fsync(true).synchronousCommit(true).start();
        Outbox deleting =
            Outbox.builder()
                .schemaRegistryUrl(stack.schemaRegistry().url())
                .warmUp(OrderPlaced.getClassSchema())
                .build();
        Outbox retaining =
            Outbox.builder()
                .table("outbox_retained")
                .cleanupMode(CleanupMode.RETAIN)
                .schemaRegistryUrl(stack.schemaRegistry().url())
                .warmUp(OrderPlaced.getClassSchema())
                .build()) {
      HikariConfig config = new HikariConfig();
      config.setDataSource(stack.postgres().dataSource());
      config.setMaximumPoolSize(threads);
      try (HikariDataSource pool = new HikariDataSource(config)) {
        // Flyway holds two connections at once: migrate outside the pool, which may have one.
        DataSource direct = stack.postgres().dataSource();
        new OrderService(direct, deleting).migrate();
        retaining.migrate(direct);
        Map<String, OrderService> variants = new LinkedHashMap<>();
        variants.put("no event", new OrderService(pool, new NoEvent()));
        variants.put("outbox DELETE_AFTER_INSERT", new OrderService(pool, deleting));
        variants.put("outbox RETAIN", new OrderService(pool, retaining));

        System.out.printf(
            Locale.ROOT,
            "Outbox overhead: %d tx per variant and round, %d rounds, %d warm-up, %d thread(s),"
                + " fsync=on synchronous_commit=on, Postgres %s%n",
            transactions,
            rounds,
            warmup,
            threads,
            serverVersion(pool));
        for (OrderService service : variants.values()) {
          run(service, warmup, threads);
        }
        for (int round = 1; round <= rounds; round++) {
          Stats baseline = null;
          for (Map.Entry<String, OrderService> variant : variants.entrySet()) {
            Stats stats = run(variant.getValue(), transactions, threads);
            if (baseline == null) {
              baseline = stats;
            }
            System.out.printf(
                Locale.ROOT,
                "round %d  %-27s %8.0f tx/s  mean %6.3f ms  p50 %6.3f ms  p99 %6.3f ms"
                    + "  ratio (mean latency) %.2fx%n",
                round,
                variant.getKey(),
                stats.throughput(),
                stats.meanMillis(),
                stats.percentileMillis(50),
                stats.percentileMillis(99),
                stats.meanMillis() / baseline.meanMillis());
          }
        }
      }
    }
  }

  private static Stats run(OrderService service, int transactions, int threads)
      throws InterruptedException {
    long[] latencies = new long[transactions];
    Thread[] workers = new Thread[threads];
    Exception[] failure = new Exception[1];
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int first = t;
      workers[t] =
          new Thread(
              () -> {
                try {
                  for (int i = first; i < transactions; i += threads) {
                    long begin = System.nanoTime();
                    service.placeOrder("c-" + i, "c@example.com", "EUR", LINES);
                    latencies[i] = System.nanoTime() - begin;
                  }
                } catch (SQLException | RuntimeException e) {
                  synchronized (failure) {
                    failure[0] = e;
                  }
                }
              });
      workers[t].start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    long elapsed = System.nanoTime() - start;
    if (failure[0] != null) {
      throw new IllegalStateException("benchmark transaction failed", failure[0]);
    }
    return new Stats(latencies, elapsed);
  }

  private static String serverVersion(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return c.getMetaData().getDatabaseProductVersion();
    }
  }

  private record Stats(long[] latencies, long elapsedNanos) {
    Stats {
      latencies = latencies.clone();
      Arrays.sort(latencies);
    }

    double throughput() {
      return latencies.length / (elapsedNanos / 1e9);
    }

    double meanMillis() {
      return Arrays.stream(latencies).average().orElse(0) / 1e6;
    }

    double percentileMillis(int percentile) {
      int index = (int) Math.ceil(percentile / 100.0 * latencies.length) - 1;
      return latencies[Math.max(index, 0)] / 1e6;
    }
  }

  /** The baseline: the same OrderService transaction with no outbox write at all. */
  private static final class NoEvent implements Outbox {
    @Override
    public UUID publish(Connection tx, OutboxEvent event) {
      return event.id();
    }

    @Override
    public void publishAll(Connection tx, Collection<OutboxEvent> events) {}

    @Override
    public void migrate(DataSource dataSource) {}

    @Override
    public OutboxSweeper sweeper(DataSource dataSource, Duration retention, int batchSize) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String schema() {
      return "public";
    }

    @Override
    public String table() {
      return "none";
    }

    @Override
    public String topicFor(String aggregateType) {
      return "none";
    }

    @Override
    public void close() {}
  }
}
