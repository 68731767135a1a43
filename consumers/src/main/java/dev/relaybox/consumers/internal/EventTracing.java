package dev.relaybox.consumers.internal;

import dev.relaybox.config.MessagingAttributes;
import dev.relaybox.config.TraceHeaders;
import dev.relaybox.consumers.ConsumedEvent;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The spans of the consumer framework (OpenTelemetry API; without an SDK every call is a no-op):
 * one CONSUMER span per event attempt ({@code <topic> process}), a child of the context in the
 * record's {@code traceparent}, with the messaging attributes (system, destination, partition,
 * offset, message id, consumer group, key) and {@code relaybox.attempt}; INTERNAL children {@code
 * call} (a two-phase handler's third-party call) and {@code transaction} (the handler's database
 * part, current while it runs, so events it publishes through the outbox carry it); span events
 * {@code retry}, {@code parked} and {@code dead-letter}.
 *
 * <p>Per event it costs what the SDK needs and no more: the span name and the attributes every span
 * of a runner shares are made once; the per-event attributes are only made for a span that records
 * (not for a no-op or unsampled one).
 */
final class EventTracing {
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("relaybox.attempt");
  static final AttributeKey<String> REASON = AttributeKey.stringKey("relaybox.dead.reason");

  private final Tracer tracer = GlobalOpenTelemetry.getTracer("dev.relaybox.consumers");
  private final Attributes common;

  /** Span name by topic; runners read few topics, and the name is the same for every event. */
  private final ConcurrentMap<String, String> names = new ConcurrentHashMap<>();

  EventTracing(String group) {
    this.common =
        Attributes.of(
            MessagingAttributes.SYSTEM,
            MessagingAttributes.KAFKA,
            MessagingAttributes.OPERATION,
            MessagingAttributes.PROCESS,
            MessagingAttributes.CONSUMER_GROUP,
            group);
  }

  /** Starts the CONSUMER span of {@code record}'s {@code attempt}. */
  Span start(ConsumerRecord<byte[], byte[]> record, int attempt) {
    String topic = record.topic();
    Span span =
        tracer
            .spanBuilder(names.computeIfAbsent(topic, t -> t + " " + MessagingAttributes.PROCESS))
            .setParent(TraceHeaders.extract(record.headers()))
            .setSpanKind(SpanKind.CONSUMER)
            .setAllAttributes(common)
            .setAttribute(MessagingAttributes.DESTINATION, topic)
            .startSpan();
    if (span.isRecording()) {
      span.setAttribute(MessagingAttributes.PARTITION, Integer.toString(record.partition()));
      span.setAttribute(MessagingAttributes.OFFSET, record.offset());
      // The header as sent (an event id); no UUID parsed and printed again.
      String id = TraceHeaders.value(record.headers(), ConsumedEvent.ID_HEADER);
      if (id != null) {
        span.setAttribute(MessagingAttributes.MESSAGE_ID, id);
      }
      if (record.key() != null) {
        span.setAttribute(MessagingAttributes.KEY, FailureHandler.keyText(record.key()));
      }
      span.setAttribute(ATTEMPT, (long) attempt);
    }
    return span;
  }

  /** Starts an INTERNAL child of {@code parent}: {@code call} or {@code transaction}. */
  Span child(Span parent, String name) {
    return tracer
        .spanBuilder(name)
        .setParent(Context.root().with(parent))
        .setSpanKind(SpanKind.INTERNAL)
        .startSpan();
  }

  /** Ends {@code span} as failed by {@code error}. */
  static void fail(Span span, Throwable error) {
    span.recordException(error);
    span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
    span.end();
  }

  /**
   * Marks the outcome of a failed attempt on its span, then ends it as failed: {@code parked} (a
   * live event failed, its key parks for a retry), {@code retry} (a retry failed, the key stays
   * parked) or {@code dead-letter} (with the reason).
   */
  static void failed(Span span, Throwable error, String deadReason, int attempt) {
    if (deadReason == null) {
      span.addEvent(attempt == 1 ? "parked" : "retry", Attributes.of(ATTEMPT, (long) attempt));
    } else {
      span.addEvent("dead-letter", Attributes.of(REASON, deadReason));
    }
    fail(span, error);
  }

  /** {@code [traceId, spanId]} of {@code span} for the log context, or null if it has none. */
  static String[] ids(Span span) {
    SpanContext c = span.getSpanContext();
    return c.isValid() ? new String[] {c.getTraceId(), c.getSpanId()} : null;
  }
}
