package dev.relaybox.devstack;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in OpenTelemetry collector for benchmarks: an OTLP/HTTP endpoint on {@code 127.0.0.1} (a
 * free port) that reads every {@code POST /v1/traces} request (protobuf), counts its spans,
 * discards it and answers an empty success. The exporter under test does its real work (protobuf
 * and HTTP); what a collector would do with the spans is not measured.
 */
public final class OtlpSink implements AutoCloseable {
  private final HttpServer server;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong spans = new AtomicLong();

  private OtlpSink(HttpServer server) {
    this.server = server;
  }

  /** Starts a sink on a free port of {@code 127.0.0.1}. */
  public static OtlpSink start() {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind an OTLP sink on 127.0.0.1", e);
    }
    OtlpSink sink = new OtlpSink(server);
    server.createContext(
        "/v1/traces",
        exchange -> {
          byte[] body;
          try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
          }
          sink.bytes.addAndGet(body.length);
          sink.spans.addAndGet(countSpans(body));
          sink.requests.incrementAndGet();
          exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    return sink;
  }

  /** The base URL for {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The traces URL for an {@code OtlpHttpSpanExporter}: {@code <endpoint>/v1/traces}. */
  public String tracesUrl() {
    return endpoint() + "/v1/traces";
  }

  /** Export requests received so far. */
  public long requests() {
    return requests.get();
  }

  /** Request body bytes received so far. */
  public long bytes() {
    return bytes.get();
  }

  /** Spans received so far. */
  public long spans() {
    return spans.get();
  }

  /**
   * The spans in an {@code ExportTraceServiceRequest}: resource_spans (1) → scope_spans (2) → spans
   * (2), every other field skipped.
   */
  static long countSpans(byte[] request) {
    long count = 0;
    for (int[] resource : fields(request, 0, request.length, 1)) {
      for (int[] scope : fields(request, resource[0], resource[1], 2)) {
        count += fields(request, scope[0], scope[1], 2).size();
      }
    }
    return count;
  }

  /** The [from, to) ranges of the length-delimited fields numbered {@code number} in a message. */
  private static List<int[]> fields(byte[] b, int from, int to, int number) {
    List<int[]> found = new ArrayList<>();
    int[] at = {from};
    while (at[0] < to) {
      long tag = varint(b, at);
      int wireType = (int) (tag & 7);
      switch (wireType) {
        case 0 -> varint(b, at);
        case 1 -> at[0] += 8;
        case 5 -> at[0] += 4;
        case 2 -> {
          int length = (int) varint(b, at);
          if (tag >>> 3 == number) {
            found.add(new int[] {at[0], at[0] + length});
          }
          at[0] += length;
        }
        default -> throw new IllegalArgumentException("not an OTLP protobuf request");
      }
    }
    return found;
  }

  private static long varint(byte[] b, int[] at) {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      byte next = b[at[0]++];
      value |= (long) (next & 0x7f) << shift;
      if (next >= 0) {
        return value;
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
