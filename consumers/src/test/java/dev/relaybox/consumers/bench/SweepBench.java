package dev.relaybox.consumers.bench;

import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.ConsumerMetrics;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.TestSupport;
import dev.relaybox.devstack.DevStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;

/**
 * Speed of the processed-keys retention sweep. Not a test: it prints figures.
 *
 * <p>Run from the repository root (classpath as for {@link ConsumerBench}):
 *
 * <pre>
 * java -Xmx512m -cp consumers/target/test-classes:consumers/target/classes:$(cat consumers/target/bench.cp) \
 *     dev.relaybox.consumers.bench.SweepBench [expired=200000] [otherGroups=1000000]
 * </pre>
 *
 * A table holds {@code expired} keys of the swept group older than its retention, 10,000 recent
 * ones, and {@code otherGroups} old keys of another group that keeps them forever. The runner's
 * first sweep (at start) deletes the expired keys; the bench times it (runner start included; the
 * sweep's own time is its log line's {@code tookMs}), twice: with the shipped {@code
 * (consumer_group, processed_at)} index, then with only the V1 index on {@code processed_at}, to
 * show what the V2 migration buys when groups share the table.
 */
public final class SweepBench {

  private SweepBench() {}

  public static void main(String[] args) throws Exception {
    int expired = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int others = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    try (DevStack stack = DevStack.builder().schemaRegistry(false).start();
        HikariDataSource ds = TestSupport.pool(stack, 4)) {
      stack.kafka().createTopic("bench.sweep", 1);
      double withIndex = run(stack, ds, "sweep_v2", expired, others, false);
      double processedAtOnly = run(stack, ds, "sweep_v1", expired, others, true);
      System.out.printf(
          Locale.ROOT,
          "%n== sweep bench: %,d expired keys, 10,000 recent, %,d old keys of another group ==%n"
              + "(consumer_group, processed_at) index : %6.2f s, %,.0f keys/s%n"
              + "processed_at index only             : %6.2f s, %,.0f keys/s%n",
          expired,
          others,
          withIndex,
          expired / withIndex,
          processedAtOnly,
          expired / processedAtOnly);
    }
  }

  private static double run(
      DevStack stack,
      HikariDataSource ds,
      String group,
      int expired,
      int others,
      boolean processedAtIndexOnly)
      throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ConsumerRunner.Builder builder =
        TestSupport.runner(stack, ds, group, "bench.sweep")
            .handler((event, tx) -> {})
            .meterRegistry(new SimpleMeterRegistry())
            .processedKeysRetention(Duration.ofHours(1))
            .processedKeysSweepInterval(Duration.ofHours(1));
    builder.build().migrate();
    String table = group + "_keys";
    try (Connection c = ds.getConnection();
        Statement st = c.createStatement()) {
      String insert =
          "INSERT INTO %s SELECT '%s', gen_random_uuid(), now() - interval '%s'"
              + " - i * interval '1 ms' FROM generate_series(1, %d) i";
      st.execute(String.format(insert, table, group + "_forever", "30 days", others));
      st.execute(String.format(insert, table, group, "2 hours", expired));
      st.execute(String.format(insert, table, group, "0 hours", 10_000));
      if (processedAtIndexOnly) {
        st.execute("DROP INDEX " + table + "_retention_idx");
        st.execute("CREATE INDEX " + table + "_processed_at_idx ON " + table + " (processed_at)");
      }
      st.execute("VACUUM ANALYZE " + table);
      try (ResultSet plan =
          st.executeQuery(
              "EXPLAIN SELECT ctid FROM "
                  + table
                  + " WHERE consumer_group = '"
                  + group
                  + "' AND processed_at < now() - interval '1 hour' ORDER BY processed_at"
                  + " LIMIT 5000 FOR UPDATE SKIP LOCKED")) {
        System.out.println("plan of one batch's SELECT (" + table + "):");
        while (plan.next()) {
          System.out.println("  " + plan.getString(1));
        }
      }
    }
    long start = System.nanoTime();
    try (ConsumerRunner runner =
        builder.migrateOnStart(false).meterRegistry(registry).build().start()) {
      await()
          .atMost(Duration.ofMinutes(10))
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> TestSupport.count(registry, ConsumerMetrics.PROCESSED_KEYS_DELETED) >= expired);
    }
    return (System.nanoTime() - start) / 1e9;
  }
}
