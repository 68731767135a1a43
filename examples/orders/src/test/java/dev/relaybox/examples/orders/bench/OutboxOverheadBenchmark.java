package dev.relaybox.examples.orders.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.examples.orders.OrderLineItem;
import dev.relaybox.examples.orders.OrderService;
import dev.relaybox.examples.orders.events.OrderPlaced;
import dev.relaybox.outbox.CleanupMode;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import dev.relaybox.outbox.OutboxSweeper;
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
 * <p>Run: {@code mvn -B -pl examples/orders -am test-compile -Pbench} (profile in
 * examples/orders/pom.xml; system properties {@code bench.transactions}, {@code bench.rounds} and
 * {@code bench.warmup} there).
 */
public final class OutboxOverheadBenchmark {

  private static final List<OrderLineItem> LINES =
      List.of(new OrderLineItem("SKU-1", 2, 1_250), new OrderLineItem("SKU-2", 1, 499));

  private OutboxOverheadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int transactions = Integer.getInteger("bench.transactions", 3_000);
    int rounds = Integer.getInteger("bench.rounds", 3);
    int warmup = Integer.getInteger("bench.warmup", 1_000);

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
      config.setMaximumPoolSize(1);
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
            "Outbox overhead: %d tx per variant and round, %d rounds, %d warm-up, one connection,"
                + " variants interleaved tx by tx, fsync=on synchronous_commit=on, Postgres %s%n",
            transactions,
            rounds,
            warmup,
            serverVersion(pool));
        List<OrderService> services = List.copyOf(variants.values());
        run(services, warmup);
        for (int round = 1; round <= rounds; round++) {
          long[][] latencies = run(services, transactions);
          double baseline = mean(latencies[0]);
          int v = 0;
          for (String name : variants.keySet()) {
            long[] sorted = latencies[v++];
            double mean = mean(sorted);
            System.out.printf(
                Locale.ROOT,
                "round %d  %-27s %7.0f tx/s  mean %6.3f ms  p50 %6.3f ms  p99 %6.3f ms"
                    + "  ratio %.2fx%n",
                round,
                name,
                1000 / mean,
                mean,
                percentile(sorted, 50),
                percentile(sorted, 99),
                mean / baseline);
          }
        }
      }
    }
  }

  /**
   * Runs {@code transactions} orders per service, alternating the services transaction by
   * transaction so that every variant sees the same machine load (the machine is shared).
   *
   * @return per service, the sorted latencies in nanoseconds
   */
  private static long[][] run(List<OrderService> services, int transactions) throws SQLException {
    long[][] latencies = new long[services.size()][transactions];
    for (int i = 0; i < transactions; i++) {
      for (int v = 0; v < services.size(); v++) {
        long begin = System.nanoTime();
        services.get(v).placeOrder("c-" + i, "c@example.com", "EUR", LINES);
        latencies[v][i] = System.nanoTime() - begin;
      }
    }
    for (long[] l : latencies) {
      Arrays.sort(l);
    }
    return latencies;
  }

  /** Mean in milliseconds. */
  private static double mean(long[] nanos) {
    return Arrays.stream(nanos).average().orElse(0) / 1e6;
  }

  /** Nearest-rank percentile of sorted nanoseconds, in milliseconds. */
  private static double percentile(long[] sorted, int percentile) {
    int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
    return sorted[Math.max(index, 0)] / 1e6;
  }

  private static String serverVersion(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return c.getMetaData().getDatabaseProductVersion();
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
