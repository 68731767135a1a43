package dev.relaybox.consumers.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.EventHandler;
import dev.relaybox.consumers.TestSupport;
import dev.relaybox.consumers.bench.ConsumerBench.Result;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.OtlpSink;
import dev.relaybox.outbox.OutboxEvent;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * The cost of tracing in the consumer framework: the pure-DB handler of {@link ConsumerBench} (the
 * fastest handler there is) without an OpenTelemetry SDK (the API is a no-op) and with one (every
 * span sampled), in interleaved rounds (off, on, off, on, …) on fresh groups, so that a shared
 * machine's changing load falls on every variant alike. Every event carries a {@code traceparent}.
 * Per variant it prints the steady throughput and the CPU time spent per event by this JVM (runner,
 * SDK, exporter, the in-process Kafka broker) and by Postgres, each round, then means and spread:
 * on a shared machine the CPU per event is the steadier measure of what tracing costs.
 *
 * <p>Variants: {@code off}; {@code otlp[/<batch>]}: the services' exporter, OTLP protobuf over the
 * JDK's HTTP client to an in-process {@link OtlpSink}, behind a batch span processor exporting
 * {@code batch} spans per request (default 2,048 with a queue of 16,384: what {@code relaybox
 * consumers} configures unless {@code OTEL_BSP_*} says otherwise; {@code otlp/512} is the SDK's own
 * default); {@code discard[/<batch>]}: spans counted and dropped, the SDK's cost alone. Every span
 * is sampled, unless the variant ends with {@code @parent}: then the SDK's default sampler follows
 * the {@code traceparent}'s flag, which the prefill sets on one event in ten (a trace sampled at 10
 * % where it began, e.g. by the order service). Not a test: it prints figures.
 *
 * <p>Handlers: {@code db}, the pure-DB one (a {@code transaction} span per event); {@code
 * call[/<ms>]}, a two-phase handler that first calls a {@link ThirdPartyStub} over HTTP answering
 * after {@code ms} (15 by default, the demo gateway's charge), then does the same INSERT (a {@code
 * call} and a {@code transaction} span per event): the kind of handler the product exists for.
 *
 * <pre>
 * java -Xmx1g -cp ... dev.relaybox.consumers.bench.TracingBench [events=100000] [partitions=4]
 *     [rounds=4] [variants=off,otlp] [handler=db|call[/ms]]
 * </pre>
 */
public final class TracingBench {
  /** What runtime's Tracing sets for the batch span processor unless OTEL_BSP_* overrides it. */
  private static final int BATCH = 2048;

  private static final int QUEUE = 16_384;

  private TracingBench() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    List<String> variants = List.of((args.length > 3 ? args[3] : "off,otlp").split(","));
    String handler = args.length > 4 ? args[4] : "db";
    AtomicLong discarded = new AtomicLong();
    try (ThirdPartyStub thirdParty = thirdParty(handler);
        OtlpSink collector = OtlpSink.start();
        DevStack stack = DevStack.builder().schemaRegistry(false).start();
        HikariDataSource ds = TestSupport.pool(stack, 2)) {
      String topic = "bench.traced";
      stack.kafka().createTopic(topic, partitions);
      prefill(stack, topic, events);
      BiConsumer<ConsumerRunner.Builder, EventHandler> install =
          thirdParty == null
              ? ConsumerRunner.Builder::handler
              : (runner, db) -> runner.handler(thirdParty.handler(db));
      for (String variant : variants) {
        // JIT and prepared statements warm for every variant, so none pays for them in round 1.
        String group = "trace_warmup_" + variant.replaceAll("[^a-z0-9]", "_");
        run(stack, ds, topic, group, events / 5, variant, collector, discarded, install);
      }
      long requestsBefore = collector.requests();
      long spansBefore = collector.spans();
      long discardedBefore = discarded.get();
      double[][] rate = new double[variants.size()][rounds];
      double[][] cpu = new double[variants.size()][rounds];
      double[][] pgCpu = new double[variants.size()][rounds];
      ProcessHandle postmaster = postmaster(ds);
      double[] load = new double[rounds];
      StringBuilder lines = new StringBuilder();
      for (int round = 0; round < rounds; round++) {
        lines.append(String.format(Locale.ROOT, "round %d:", round + 1));
        for (int v = 0; v < variants.size(); v++) {
          String variant = variants.get(v);
          String group = "trace_" + variant.replaceAll("[^a-z0-9]", "_") + "_" + round;
          long cpuBefore = cpuNanos();
          long pgBefore = cpuNanos(postmaster);
          rate[v][round] =
              run(stack, ds, topic, group, events, variant, collector, discarded, install)
                  .steadyRate();
          cpu[v][round] = (cpuNanos() - cpuBefore) / 1e3 / events;
          pgCpu[v][round] = (cpuNanos(postmaster) - pgBefore) / 1e3 / events;
          lines.append(
              String.format(
                  Locale.ROOT,
                  " %s %,.0f/s %.1f+%.1f µs;",
                  variant,
                  rate[v][round],
                  cpu[v][round],
                  pgCpu[v][round]));
        }
        load[round] = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        lines.append(String.format(Locale.ROOT, " load %.1f%n", load[round]));
      }
      System.out.printf(
          Locale.ROOT,
          "%n== tracing bench: %s handler, %,d events, %d partitions, pool=2, maxInFlight=%d,"
              + " %d rounds;"
              + " OTLP requests %,d with %,d spans, spans discarded %,d; load average %.1f–%.1f ==%n"
              + "(per variant: effects/s steady, CPU µs per event of this JVM + Postgres)%n%s",
          handler,
          events,
          partitions,
          ConsumerBench.inFlight,
          rounds,
          collector.requests() - requestsBefore,
          collector.spans() - spansBefore,
          discarded.get() - discardedBefore,
          Arrays.stream(load).min().orElse(0),
          Arrays.stream(load).max().orElse(0),
          lines);
      for (int v = 0; v < variants.size(); v++) {
        double[] change = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          change[r] = 100 * (rate[v][r] / rate[0][r] - 1);
        }
        System.out.printf(
            Locale.ROOT,
            "%-14s mean %,7.0f effects/s (sd %,5.0f), vs %s: %+5.1f %% of the means, per round"
                + " %+5.1f %% (sd %.1f, %+.1f … %+.1f); CPU µs/event: JVM %.1f (%+.1f),"
                + " Postgres %.1f, both %.1f (%+.1f %%)%n",
            variants.get(v),
            mean(rate[v]),
            sd(rate[v]),
            variants.get(0),
            100 * (mean(rate[v]) / mean(rate[0]) - 1),
            mean(change),
            sd(change),
            Arrays.stream(change).min().orElse(0),
            Arrays.stream(change).max().orElse(0),
            mean(cpu[v]),
            mean(cpu[v]) - mean(cpu[0]),
            mean(pgCpu[v]),
            mean(cpu[v]) + mean(pgCpu[v]),
            100 * ((mean(cpu[v]) + mean(pgCpu[v])) / (mean(cpu[0]) + mean(pgCpu[0])) - 1));
      }
    }
  }

  /** One run of {@code events} on a fresh {@code group} with {@code variant}'s SDK installed. */
  private static Result run(
      DevStack stack,
      HikariDataSource ds,
      String topic,
      String group,
      int events,
      String variant,
      OtlpSink collector,
      AtomicLong discarded,
      BiConsumer<ConsumerRunner.Builder, EventHandler> handler)
      throws Exception {
    OpenTelemetrySdk sdk = install(variant, collector, discarded);
    try {
      return ConsumerBench.run(stack, ds, topic, group, true, events, handler);
    } finally {
      if (sdk != null) {
        sdk.close();
        GlobalOpenTelemetry.resetForTest();
      }
    }
  }

  /**
   * Installs {@code variant}'s SDK as the global one ({@code off}, {@code otlp[/batch][@parent]} to
   * {@code collector}, {@code discard[/batch][@parent]} counting into {@code discarded}); null for
   * {@code off}.
   */
  public static OpenTelemetrySdk install(String variant, OtlpSink collector, AtomicLong discarded) {
    GlobalOpenTelemetry.resetForTest();
    boolean followParent = variant.endsWith("@parent");
    String[] parts = variant.replace("@parent", "").split("/");
    int batch = parts.length > 1 ? Integer.parseInt(parts[1]) : BATCH;
    SpanExporter spans =
        switch (parts[0]) {
          case "off" -> null;
          case "otlp" -> OtlpHttpSpanExporter.builder().setEndpoint(collector.tracesUrl()).build();
          case "discard" -> discarding(discarded);
          default ->
              throw new IllegalArgumentException(
                  "a variant is off, otlp[/batch][@parent] or discard[/batch][@parent], not "
                      + variant);
        };
    if (spans == null) {
      return null;
    }
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .setSampler(
                    followParent ? Sampler.parentBased(Sampler.alwaysOn()) : Sampler.alwaysOn())
                .addSpanProcessor(
                    BatchSpanProcessor.builder(spans)
                        .setMaxExportBatchSize(batch)
                        .setMaxQueueSize(Math.max(QUEUE, 4 * batch))
                        .build())
                .build())
        .buildAndRegisterGlobal();
  }

  /** The third party of a {@code call[/<ms>]} handler (15 ms by default), null for {@code db}. */
  private static ThirdPartyStub thirdParty(String handler) {
    if (handler.equals("db")) {
      return null;
    }
    String[] parts = handler.split("/");
    if (!parts[0].equals("call")) {
      throw new IllegalArgumentException("a handler is db or call[/<ms>], not " + handler);
    }
    return new ThirdPartyStub(parts.length > 1 ? Long.parseLong(parts[1]) : 15);
  }

  /** The Postgres server process: the parent of a pooled connection's backend. */
  private static ProcessHandle postmaster(HikariDataSource ds) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return ProcessHandle.of(rs.getLong(1)).flatMap(ProcessHandle::parent).orElseThrow();
    }
  }

  /**
   * CPU time so far of the Postgres server and its processes (backends, WAL writer, …; a process
   * that exited in between, such as an autovacuum worker, is missed).
   */
  private static long cpuNanos(ProcessHandle postmaster) {
    return Stream.concat(Stream.of(postmaster), postmaster.children())
        .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
        .sum();
  }

  /** CPU time of this JVM so far (every thread, the in-process Kafka broker's too). */
  public static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** An exporter that counts the spans it is given into {@code exported} and drops them. */
  public static SpanExporter discarding(AtomicLong exported) {
    return new SpanExporter() {
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
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  private static double sd(double[] values) {
    double m = mean(values);
    double sum = 0;
    for (double v : values) {
      sum += (v - m) * (v - m);
    }
    return values.length > 1 ? Math.sqrt(sum / (values.length - 1)) : 0;
  }

  private static void prefill(DevStack stack, String topic, int events) throws Exception {
    try (var producer = TestSupport.producer(stack)) {
      List<Future<?>> sent = new ArrayList<>(events);
      for (int i = 0; i < events; i++) {
        var record =
            TestSupport.event(topic, OutboxEvent.newEventId(), "order-" + (i % 10_000), "p-" + i);
        // One trace in ten sampled where it began (the flag), for the @parent variants.
        String traceparent =
            String.format(
                "00-%016x%016x-%016x-%s",
                ThreadLocalRandom.current().nextLong() | 1,
                ThreadLocalRandom.current().nextLong(),
                ThreadLocalRandom.current().nextLong() | 1,
                i % 10 == 0 ? "01" : "00");
        record.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        sent.add(producer.send(record));
      }
      for (Future<?> f : sent) {
        f.get();
      }
    }
  }
}
