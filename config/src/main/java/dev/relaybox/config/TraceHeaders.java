package dev.relaybox.config;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The W3C trace context ({@value #TRACEPARENT}, {@value #TRACESTATE}) in Kafka record headers,
 * UTF-8: how the relay and the consumers read and write it (needs {@code opentelemetry-api}, an
 * optional dependency here).
 */
public final class TraceHeaders {
  /** The W3C {@code traceparent} header. */
  public static final String TRACEPARENT = "traceparent";

  /** The W3C {@code tracestate} header. */
  public static final String TRACESTATE = "tracestate";

  /** Reads the last value of a header; null if absent or without a value. */
  public static final TextMapGetter<Headers> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
          List<String> keys = new ArrayList<>();
          carrier.forEach(h -> keys.add(h.key()));
          return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
          return carrier == null ? null : value(carrier, key);
        }
      };

  /** Replaces a header's values with one: a record never carries two trace contexts. */
  public static final TextMapSetter<Headers> SETTER =
      (carrier, key, value) -> {
        if (carrier != null) {
          carrier.remove(key);
          carrier.add(key, value.getBytes(StandardCharsets.UTF_8));
        }
      };

  private TraceHeaders() {}

  /** The context in {@code headers} (a remote parent), or the root context if there is none. */
  public static Context extract(Headers headers) {
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, GETTER);
  }

  /**
   * Writes {@code context}'s span into {@code headers}, replacing the trace context they carried (a
   * {@code tracestate} of the old context is removed if the new one has none).
   */
  public static void inject(Context context, Headers headers) {
    headers.remove(TRACESTATE);
    W3CTraceContextPropagator.getInstance().inject(context, headers, SETTER);
  }

  /**
   * The span context in {@code headers}' {@code traceparent} (for the log context's trace and span
   * ids); {@link SpanContext#isValid() invalid} if there is none or it is malformed.
   */
  public static SpanContext spanContext(Headers headers) {
    return Span.fromContext(extract(headers)).getSpanContext();
  }

  /** The last value of {@code key} in {@code headers}, UTF-8; null if absent. */
  public static String value(Headers headers, String key) {
    Header h = headers.lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
