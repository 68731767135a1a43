package dev.relaybox.relay.internal;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * One PRODUCER span per relayed event ({@code <topic> publish}), a child of the context the outbox
 * captured in the row's {@code traceparent}, from routing until its batch is committed (or fails).
 * The record's {@code traceparent} is replaced by the span's, so the consumers' spans are its
 * children.
 *
 * <p>Per event, not per batch: a batch mixes events of many traces, so a batch span could only be
 * linked to them, and each order's trace would lose the relay hop between the outbox and the
 * consumers. Without an OpenTelemetry SDK the tracer is the no-op one: the "span" is the parent
 * context itself and the header is rewritten to the same value.
 */
final class PublishSpans {
  private static final String TRACEPARENT = "traceparent";
  private static final String TRACESTATE = "tracestate";
  private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> OPERATION =
      AttributeKey.stringKey("messaging.operation.type");
  private static final AttributeKey<String> MESSAGE_ID =
      AttributeKey.stringKey("messaging.message.id");
  private static final AttributeKey<String> KEY =
      AttributeKey.stringKey("messaging.kafka.message.key");

  private static final TextMapGetter<Headers> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
          List<String> keys = new ArrayList<>();
          carrier.forEach(h -> keys.add(h.key()));
          return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
          Header h = carrier == null ? null : carrier.lastHeader(key);
          return h == null || h.value() == null
              ? null
              : new String(h.value(), StandardCharsets.UTF_8);
        }
      };

  private final Tracer tracer = GlobalOpenTelemetry.getTracer("dev.relaybox.relay");
  private final List<Span> open = new ArrayList<>();

  /** Starts the span of {@code routed} and points its record's {@code traceparent} at it. */
  void start(OutboxRouter.Routed routed) {
    Headers headers = routed.record().headers();
    Context parent =
        W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, GETTER);
    String topic = routed.record().topic();
    Span span =
        tracer
            .spanBuilder(topic + " publish")
            .setParent(parent)
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute(SYSTEM, "kafka")
            .setAttribute(DESTINATION, topic)
            .setAttribute(OPERATION, "publish")
            .setAttribute(MESSAGE_ID, routed.eventId())
            .setAttribute(
                KEY,
                routed.record().key() == null
                    ? null
                    : new String(routed.record().key(), StandardCharsets.UTF_8))
            .startSpan();
    if (span.getSpanContext().isValid()) {
      headers.remove(TRACEPARENT);
      headers.remove(TRACESTATE);
      W3CTraceContextPropagator.getInstance()
          .inject(
              parent.with(span),
              headers,
              (carrier, key, value) -> carrier.add(key, value.getBytes(StandardCharsets.UTF_8)));
    }
    open.add(span);
  }

  /** Ends the open spans: their batch is committed. */
  void committed() {
    open.forEach(Span::end);
    open.clear();
  }

  /** Ends the open spans with {@code error}: their batch was not committed (it is re-read). */
  void failed(Throwable error) {
    for (Span span : open) {
      span.recordException(error);
      span.setStatus(StatusCode.ERROR, "batch not committed");
      span.end();
    }
    open.clear();
  }
}
