package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.bench.TracingBench;
import dev.relaybox.devstack.OtlpSink;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a consumer's spans cost without the consumer: one thread makes the spans of the runner
 * ({@link EventTracing}: a CONSUMER span and its {@code transaction} child per event, with the
 * runner's attributes) at a steady rate, and the JVM's CPU time per event is measured with no SDK,
 * with the SDK and a discarding exporter (the SDK's own cost), and with the services' exporter,
 * OTLP protobuf over the JDK's HTTP client to an in-process {@link OtlpSink} (whose reading is
 * counted too). {@code TracingBench} measures the same through the whole consumer; this isolates
 * the part the consumer cannot change. Variants and their SDKs are {@code TracingBench}'s ({@code
 * off}, {@code discard}, {@code otlp[/<batch>]}; batch 2,048 by default, what the services
 * configure). The first two rounds are JIT warm-up and left out of the means. Not a test: it prints
 * figures.
 *
 * <pre>
 * java -Xmx1g -cp ... dev.relaybox.consumers.internal.SpanExportBench [events=200000]
 *     [rounds=7] [variants=off,discard,otlp] [rate=20000]
 * </pre>
 */
public final class SpanExportBench {
  /** Rounds of JIT warm-up, left out of the means. */
  private static final int WARMUP = 2;

  private SpanExportBench() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = Math.max(WARMUP + 1, args.length > 1 ? Integer.parseInt(args[1]) : 7);
    List<String> variants = List.of((args.length > 2 ? args[2] : "off,discard,otlp").split(","));
    double rate = args.length > 3 ? Double.parseDouble(args[3]) : 20_000;
    List<ConsumerRecord<byte[], byte[]>> records = records(10_000);
    double[][] cpu = new double[variants.size()][rounds];
    try (OtlpSink sink = OtlpSink.start()) {
      for (int round = 0; round < rounds; round++) {
        for (int v = 0; v < variants.size(); v++) {
          long spansBefore = sink.spans();
          long bytesBefore = sink.bytes();
          long requestsBefore = sink.requests();
          OpenTelemetrySdk sdk = TracingBench.install(variants.get(v), sink, new AtomicLong());
          long before = TracingBench.cpuNanos();
          run(new EventTracing("bench-group"), records, events, rate);
          if (sdk != null) {
            sdk.getSdkTracerProvider().forceFlush().join(60, TimeUnit.SECONDS);
          }
          cpu[v][round] = (TracingBench.cpuNanos() - before) / 1e3 / events;
          long exported = sink.spans() - spansBefore;
          long requests = Math.max(1, sink.requests() - requestsBefore);
          if (sdk != null) {
            sdk.close();
          }
          System.out.printf(
              Locale.ROOT,
              "round %d %-12s %6.2f µs CPU per event%s%n",
              round + 1,
              variants.get(v),
              cpu[v][round],
              variants.get(v).startsWith("otlp")
                  ? String.format(
                      Locale.ROOT,
                      ", %,d of %,d spans exported, %,d requests of %,d bytes",
                      exported,
                      2L * events,
                      requests,
                      (sink.bytes() - bytesBefore) / requests)
                  : "");
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%n== span export: %,d events (2 spans each) at %,.0f/s, means of rounds %d-%d ==%n",
        events,
        rate,
        WARMUP + 1,
        rounds);
    for (int v = 0; v < variants.size(); v++) {
      double mean = 0;
      for (int r = WARMUP; r < rounds; r++) {
        mean += cpu[v][r] / (rounds - WARMUP);
      }
      System.out.printf(Locale.ROOT, "%-12s %6.2f µs CPU per event%n", variants.get(v), mean);
    }
  }

  /**
   * Starts and ends a CONSUMER span and its {@code transaction} child for {@code events} records,
   * paced to {@code rate} per second as a consumer would make them (the pause is the pacing, not
   * synchronisation): faster, the SDK's queue would overflow and drop spans, and a dropped span
   * costs no export.
   */
  private static void run(
      EventTracing tracing, List<ConsumerRecord<byte[], byte[]>> records, int events, double rate) {
    long start = System.nanoTime();
    for (int i = 0; i < events; i++) {
      Span span = tracing.start(records.get(i % records.size()), 1);
      tracing.child(span, "transaction").end();
      span.end();
      if ((i & 255) == 255) {
        LockSupport.parkNanos(start + (long) (i * 1e9 / rate) - System.nanoTime());
      }
    }
  }

  /** Records as the relay publishes them: event id header, traceparent, an order key. */
  private static List<ConsumerRecord<byte[], byte[]>> records(int count) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      var record =
          new ConsumerRecord<>(
              "bench.traced",
              i % 4,
              i,
              ("order-" + i).getBytes(StandardCharsets.UTF_8),
              new byte[0]);
      record
          .headers()
          .add(
              ConsumedEvent.ID_HEADER,
              UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8))
          .add(
              "traceparent",
              String.format(Locale.ROOT, "00-%032x-%016x-01", i + 1L, i + 1L)
                  .getBytes(StandardCharsets.UTF_8));
      records.add(record);
    }
    return records;
  }
}
