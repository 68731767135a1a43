package dev.relaybox.relay.internal;

import dev.relaybox.config.TraceHeaders;
import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;

/**
 * The log context (MDC) of one relayed event while the relay logs about it: {@code eventId}, {@code
 * topic} (where it was routed), {@code traceId} and {@code spanId} from its {@code traceparent}
 * header, the same keys the consumers use, so JSON log lines can be joined on them.
 */
final class RelayLog implements AutoCloseable {
  private static final String[] KEYS = {"eventId", "topic", "traceId", "spanId"};

  private RelayLog() {}

  static RelayLog event(OutboxRouter.Routed routed) {
    put("eventId", String.valueOf(routed.eventId()));
    put("topic", routed.record().topic());
    SpanContext trace = TraceHeaders.spanContext(routed.record().headers());
    put("traceId", trace.isValid() ? trace.getTraceId() : null);
    put("spanId", trace.isValid() ? trace.getSpanId() : null);
    return new RelayLog();
  }

  private static void put(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  @Override
  public void close() {
    for (String key : KEYS) {
      MDC.remove(key);
    }
  }
}
