package dev.relaybox.consumers.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.ConsumerMetrics;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.EventHandler;
import dev.relaybox.consumers.TestSupport;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.outbox.OutboxEvent;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of key scheduling with a slow handler: each event waits 80 ms, like the email service
 * (IMAP check + SMTP). Not a test: it prints figures.
 *
 * <p>Run from the repository root (classpath as for {@link ConsumerBench}):
 *
 * <pre>
 * java -Xmx1g -cp consumers/target/test-classes:consumers/target/classes:$(cat consumers/target/bench.cp) \
 *     dev.relaybox.consumers.bench.KeyScheduleBench [inFlight=1,16,64] [handler=call|tx] [seconds=20]
 * </pre>
 *
 * It pre-fills a 3-partition topic with 40,000 events over 1,000 keys, then for each {@code
 * maxInFlight} consumes it with a fresh group for {@code seconds} and reports effects/s over the
 * run after a 3 s warm-up, and the per-key wait. {@code call}: a {@code TwoPhaseEventHandler}
 * sleeping in {@code call} (no connection held), pool of 8; {@code tx}: an {@code EventHandler}
 * sleeping inside its transaction, pool of {@code maxInFlight} + 2.
 */
public final class KeyScheduleBench {

  private static final int EVENTS = 40_000;
  private static final long HANDLER_MILLIS = 80;
  private static final long WARMUP_MILLIS = 3_000;

  private KeyScheduleBench() {}

  public static void main(String[] args) throws Exception {
    String[] inFlight = (args.length > 0 ? args[0] : "1,16,64").split(",");
    boolean inTx = args.length > 1 && args[1].equals("tx");
    long seconds = args.length > 2 ? Long.parseLong(args[2]) : 20;
    try (DevStack stack = DevStack.builder().schemaRegistry(false).start()) {
      String topic = "bench.keys";
      stack.kafka().createTopic(topic, 3);
      prefill(stack, topic);
      List<String> lines = new ArrayList<>();
      for (String n : inFlight) {
        lines.add(run(stack, topic, Integer.parseInt(n.trim()), inTx, seconds));
      }
      System.out.printf(
          Locale.ROOT,
          "%n== key schedule bench: handler waits %d ms per event (%s), 3 partitions, 1,000 keys"
              + " ==%n",
          HANDLER_MILLIS,
          inTx ? "EventHandler, inside its transaction" : "TwoPhaseEventHandler.call");
      lines.forEach(System.out::println);
    }
  }

  private static void prefill(DevStack stack, String topic) throws Exception {
    try (var producer = TestSupport.producer(stack)) {
      List<Future<?>> sent = new ArrayList<>(EVENTS);
      for (int i = 0; i < EVENTS; i++) {
        sent.add(
            producer.send(
                TestSupport.event(topic, OutboxEvent.newEventId(), "key-" + (i % 1000), "p" + i)));
      }
      for (Future<?> f : sent) {
        f.get();
      }
    }
  }

  private static String run(DevStack stack, String topic, int inFlight, boolean inTx, long seconds)
      throws Exception {
    String group = "bench_" + (inTx ? "tx" : "call") + "_" + inFlight;
    try (HikariDataSource ds = TestSupport.pool(stack, inTx ? inFlight + 2 : 8)) {
      String effects = group + "_effects";
      TestSupport.createEffectsTable(ds, effects);
      EventHandler insert = TestSupport.effectsHandler(effects);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      ConsumerRunner.Builder builder =
          ConsumerRunner.builder()
              .bootstrapServers(stack.kafka().bootstrapServers())
              .groupId(group)
              .topics(topic)
              .processedKeysTable(group + "_keys")
              .dataSource(ds)
              .deserializer(TestSupport.DESERIALIZER)
              .maxInFlight(inFlight)
              .meterRegistry(registry);
      if (inTx) {
        builder.handler(
            (event, tx) -> {
              TimeUnit.MILLISECONDS.sleep(HANDLER_MILLIS);
              insert.handle(event, tx);
            });
      } else {
        builder.handler(
            new TwoPhaseEventHandler<String>() {
              @Override
              public String call(ConsumedEvent event) throws Exception {
                TimeUnit.MILLISECONDS.sleep(HANDLER_MILLIS);
                return "done";
              }

              @Override
              public void record(ConsumedEvent event, String result, Connection tx)
                  throws Exception {
                insert.handle(event, tx);
              }
            });
      }
      double rate;
      try (ConsumerRunner runner = builder.build().start()) {
        while (TestSupport.count(registry, ConsumerMetrics.PROCESSED) == 0) {
          TimeUnit.MILLISECONDS.sleep(10);
        }
        TimeUnit.MILLISECONDS.sleep(WARMUP_MILLIS);
        double from = TestSupport.count(registry, ConsumerMetrics.PROCESSED);
        long start = System.nanoTime();
        TimeUnit.SECONDS.sleep(seconds);
        double to = TestSupport.count(registry, ConsumerMetrics.PROCESSED);
        rate = (to - from) / ((System.nanoTime() - start) / 1e9);
      }
      Timer wait = registry.find(ConsumerMetrics.KEY_WAIT).timer();
      return String.format(
          Locale.ROOT,
          "maxInFlight %3d: %7.1f effects/s (ideal %6.1f), key wait mean %6.0f ms",
          inFlight,
          rate,
          inFlight * 1000.0 / HANDLER_MILLIS,
          wait == null ? 0 : wait.mean(TimeUnit.MILLISECONDS));
    }
  }
}
