package dev.relaybox.consumers.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.ConsumerMetrics;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.EventHandler;
import dev.relaybox.consumers.TestSupport;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.outbox.OutboxEvent;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Throughput of the consumer framework with a pure-DB handler (one INSERT per event), with and
 * without the processed-keys step. Not a test: it prints figures.
 *
 * <p>Run from the repository root (no install needed):
 *
 * <pre>
 * mvn -B -q -o -pl consumers -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -Xmx1g -cp consumers/target/test-classes:consumers/target/classes:$(cat consumers/target/bench.cp) \
 *     dev.relaybox.consumers.bench.ConsumerBench [events=100000] [partitions=4] [ids=random|v7]
 * </pre>
 *
 * It starts its own embedded stack (Postgres with fsync and synchronous_commit on, one Kafka
 * broker), pre-fills a topic, then consumes it twice with fresh groups and tables: deduplicated,
 * then with {@code deduplicate(false)}. {@code ids=v7} gives the events time-ordered ids (UUIDv7
 * layout) instead of random ones, to show what the processed-keys index pays for random keys.
 */
public final class ConsumerBench {

  static int inFlight = 64;

  private ConsumerBench() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    boolean timeOrdered = args.length > 2 && args[2].equals("v7");
    inFlight = args.length > 3 ? Integer.parseInt(args[3]) : 64;
    try (DevStack stack = DevStack.builder().schemaRegistry(false).start();
        HikariDataSource ds = TestSupport.pool(stack, 2)) {
      String topic = "bench.events";
      stack.kafka().createTopic(topic, partitions);
      prefill(stack, topic, events, timeOrdered);
      // Warm-up on a fraction, so that JIT and prepared statements do not count against run 1.
      run(stack, ds, topic, "bench_warmup", true, events / 5);
      Result dedup = run(stack, ds, topic, "bench_dedup", true, events);
      Result plain = run(stack, ds, topic, "bench_plain", false, events);
      double overheadMicros = (1e6 / dedup.steadyRate()) - (1e6 / plain.steadyRate());
      System.out.printf(
          Locale.ROOT,
          "%n== consumer bench: %,d events, %d partitions, %s ids, max.poll.records=500, pool=2 ==%n"
              + "with processed keys : %s%n"
              + "without (dedup off) : %s%n"
              + "dedup overhead      : %.1f µs/event (%.0f %% of the deduplicated cost)%n",
          events,
          partitions,
          timeOrdered ? "time-ordered" : "random",
          dedup,
          plain,
          overheadMicros,
          100 * overheadMicros / (1e6 / dedup.steadyRate()));
    }
  }

  private static void prefill(DevStack stack, String topic, int events, boolean timeOrdered)
      throws Exception {
    long start = System.nanoTime();
    try (var producer = TestSupport.producer(stack)) {
      List<Future<?>> sent = new ArrayList<>(events);
      for (int i = 0; i < events; i++) {
        sent.add(
            producer.send(
                TestSupport.event(
                    topic,
                    timeOrdered ? OutboxEvent.newEventId() : UUID.randomUUID(),
                    "order-" + (i % 10_000),
                    "payload-" + i)));
      }
      for (Future<?> f : sent) {
        f.get();
      }
    }
    System.out.printf(
        Locale.ROOT, "prefilled %,d events in %.1f s%n", events, (System.nanoTime() - start) / 1e9);
  }

  static Result run(
      DevStack stack, HikariDataSource ds, String topic, String group, boolean dedup, int events)
      throws Exception {
    return run(stack, ds, topic, group, dedup, events, ConsumerRunner.Builder::handler);
  }

  /**
   * One run whose handler {@code install} sets on the runner, given the pure-DB one (which it may
   * wrap: a third party's call before it, {@link ThirdPartyStub}).
   */
  static Result run(
      DevStack stack,
      HikariDataSource ds,
      String topic,
      String group,
      boolean dedup,
      int events,
      BiConsumer<ConsumerRunner.Builder, EventHandler> install)
      throws Exception {
    String effects = group + "_effects";
    TestSupport.createEffectsTable(ds, effects);
    ConsumerRunner.Builder builder =
        ConsumerRunner.builder()
            .bootstrapServers(stack.kafka().bootstrapServers())
            .groupId(group)
            .topics(topic)
            .dataSource(ds)
            .deserializer(TestSupport.DESERIALIZER)
            .deduplicate(dedup)
            .maxInFlight(inFlight);
    install.accept(builder, TestSupport.effectsHandler(effects));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    long start = System.nanoTime();
    long firstAt = 0;
    double firstCount = 0;
    try (ConsumerRunner runner = builder.meterRegistry(registry).build().start()) {
      double done;
      while ((done = TestSupport.count(registry, ConsumerMetrics.PROCESSED)) < events) {
        if (firstAt == 0 && done > 0) {
          firstAt = System.nanoTime();
          firstCount = done;
        }
        TimeUnit.MILLISECONDS.sleep(5);
      }
    }
    long end = System.nanoTime();
    Timer handler = registry.find(ConsumerMetrics.HANDLER_LATENCY).timer();
    Timer batch = registry.find(ConsumerMetrics.BATCH_LATENCY).timer();
    Result result =
        new Result(
            events / ((end - start) / 1e9),
            (events - firstCount) / ((end - firstAt) / 1e9),
            handler.mean(TimeUnit.MICROSECONDS),
            batch.mean(TimeUnit.MILLISECONDS));
    System.out.printf(Locale.ROOT, "%s dedup=%s: %s%n", group, dedup, result);
    return result;
  }

  record Result(double overallRate, double steadyRate, double handlerMicros, double batchMillis) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%,.0f effects/s steady (%,.0f/s incl. group join), handler mean %.0f µs,"
              + " batch mean %.1f ms",
          steadyRate,
          overallRate,
          handlerMicros,
          batchMillis);
    }
  }
}
