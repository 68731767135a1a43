package dev.relaybox.consumers.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.TestSupport;
import dev.relaybox.consumers.bench.ConsumerBench.Result;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.outbox.OutboxEvent;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cost of tracing in the consumer framework: the pure-DB handler of {@link ConsumerBench} with
 * no OpenTelemetry SDK (the API is a no-op) and with the SDK (every span sampled, a batch span
 * processor, an exporter that discards), alternating off/on twice on fresh groups. Every event
 * carries a {@code traceparent}. Not a test: it prints figures.
 *
 * <pre>
 * java -Xmx1g -cp ... dev.relaybox.consumers.bench.TracingBench [events=50000] [partitions=4]
 * </pre>
 */
public final class TracingBench {

  private TracingBench() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    try (DevStack stack = DevStack.builder().schemaRegistry(false).start();
        HikariDataSource ds = TestSupport.pool(stack, 2)) {
      String topic = "bench.traced";
      stack.kafka().createTopic(topic, partitions);
      prefill(stack, topic, events);
      ConsumerBench.run(stack, ds, topic, "trace_warmup", true, events / 5);
      List<String> lines = new ArrayList<>();
      AtomicLong exported = new AtomicLong();
      for (int round = 1; round <= 2; round++) {
        Result off = ConsumerBench.run(stack, ds, topic, "trace_off_" + round, true, events);
        OpenTelemetrySdk sdk = install(exported);
        Result on;
        try {
          on = ConsumerBench.run(stack, ds, topic, "trace_on_" + round, true, events);
        } finally {
          sdk.close();
          GlobalOpenTelemetry.resetForTest();
        }
        lines.add(
            String.format(
                Locale.ROOT,
                "round %d: off %,.0f effects/s, on %,.0f effects/s (%+.1f %%)",
                round,
                off.steadyRate(),
                on.steadyRate(),
                100 * (on.steadyRate() / off.steadyRate() - 1)));
      }
      System.out.printf(
          Locale.ROOT,
          "%n== tracing bench: %,d events, %d partitions, pool=2, maxInFlight=%d, spans exported=%,d"
              + " ==%n%s%n",
          events,
          partitions,
          ConsumerBench.inFlight,
          exported.get(),
          String.join("\n", lines));
    }
  }

  private static OpenTelemetrySdk install(AtomicLong exported) {
    GlobalOpenTelemetry.resetForTest();
    SpanExporter discard =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> spans) {
            exported.addAndGet(spans.size());
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .addSpanProcessor(BatchSpanProcessor.builder(discard).build())
                .build())
        .buildAndRegisterGlobal();
  }

  private static void prefill(DevStack stack, String topic, int events) throws Exception {
    try (var producer = TestSupport.producer(stack)) {
      List<Future<?>> sent = new ArrayList<>(events);
      for (int i = 0; i < events; i++) {
        var record =
            TestSupport.event(topic, OutboxEvent.newEventId(), "order-" + (i % 10_000), "p-" + i);
        String traceparent =
            String.format(
                "00-%016x%016x-%016x-01",
                ThreadLocalRandom.current().nextLong() | 1,
                ThreadLocalRandom.current().nextLong(),
                ThreadLocalRandom.current().nextLong() | 1);
        record.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        sent.add(producer.send(record));
      }
      for (Future<?> f : sent) {
        f.get();
      }
    }
  }
}
