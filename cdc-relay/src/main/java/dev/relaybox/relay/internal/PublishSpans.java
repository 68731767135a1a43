package dev.relaybox.relay.internal;

import dev.relaybox.config.MessagingAttributes;
import dev.relaybox.config.TraceHeaders;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * context itself and the header is left as it is.
 */
final class PublishSpans {
  private final Tracer tracer = GlobalOpenTelemetry.getTracer("dev.relaybox.relay");
  private final List<Span> open = new ArrayList<>();

  /** Span names by topic: one string per topic, not one per event. */
  private final Map<String, String> names = new HashMap<>();

  /** Starts the span of {@code routed} and points its record's {@code traceparent} at it. */
  void start(OutboxRouter.Routed routed) {
    Headers headers = routed.record().headers();
    Context parent = TraceHeaders.extract(headers);
    String topic = routed.record().topic();
    Span span =
        tracer
            .spanBuilder(names.computeIfAbsent(topic, t -> t + " " + MessagingAttributes.PUBLISH))
            .setParent(parent)
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute(MessagingAttributes.SYSTEM, MessagingAttributes.KAFKA)
            .setAttribute(MessagingAttributes.DESTINATION, topic)
            .setAttribute(MessagingAttributes.OPERATION, MessagingAttributes.PUBLISH)
            .startSpan();
    if (span.isRecording()) {
      // Only a recorded span keeps them: no key decoded for a no-op or unsampled span.
      span.setAttribute(MessagingAttributes.MESSAGE_ID, routed.eventId());
      byte[] key = routed.record().key();
      if (key != null) {
        span.setAttribute(MessagingAttributes.KEY, new String(key, StandardCharsets.UTF_8));
      }
    }
    SpanContext context = span.getSpanContext();
    if (context.isValid() && !context.equals(Span.fromContext(parent).getSpanContext())) {
      TraceHeaders.inject(parent.with(span), headers);
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
