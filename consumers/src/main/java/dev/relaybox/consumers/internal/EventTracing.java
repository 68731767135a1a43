package dev.relaybox.consumers.internal;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The spans of the consumer framework (OpenTelemetry API; without an SDK every call is a no-op):
 * one CONSUMER span per event attempt ({@code <topic> process}), a child of the context in the
 * record's {@code traceparent}, with the messaging attributes (system, destination, partition,
 * offset, message id, consumer group, key) and {@code relaybox.attempt}; INTERNAL children {@code
 * call} (a two-phase handler's third-party call) and {@code transaction} (the handler's database
 * part, current while it runs, so events it publishes through the outbox carry it); span events
 * {@code retry}, {@code parked} and {@code dead-letter}.
 */
final class EventTracing {
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> PARTITION =
      AttributeKey.stringKey("messaging.destination.partition.id");
  static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
  static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
  static final AttributeKey<String> KEY = AttributeKey.stringKey("messaging.kafka.message.key");
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("relaybox.attempt");
  static final AttributeKey<String> REASON = AttributeKey.stringKey("relaybox.dead.reason");

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

  private final Tracer tracer = GlobalOpenTelemetry.getTracer("dev.relaybox.consumers");
  private final String group;

  EventTracing(String group) {
    this.group = group;
  }

  /** Starts the CONSUMER span of {@code record}'s {@code attempt}. */
  Span start(ConsumerRecord<byte[], byte[]> record, int attempt) {
    Context parent =
        W3CTraceContextPropagator.getInstance().extract(Context.root(), record.headers(), GETTER);
    UUID id = RecordCodec.eventId(record.headers());
    return tracer
        .spanBuilder(record.topic() + " process")
        .setParent(parent)
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute(SYSTEM, "kafka")
        .setAttribute(DESTINATION, record.topic())
        .setAttribute(PARTITION, Integer.toString(record.partition()))
        .setAttribute(OFFSET, record.offset())
        .setAttribute(MESSAGE_ID, id == null ? null : id.toString())
        .setAttribute(GROUP, group)
        .setAttribute(KEY, FailureHandler.keyText(record.key()))
        .setAttribute(OPERATION, "process")
        .setAttribute(ATTEMPT, (long) attempt)
        .startSpan();
  }

  /** Starts an INTERNAL child of {@code parent}: {@code call} or {@code transaction}. */
  Span child(Span parent, String name) {
    return tracer
        .spanBuilder(name)
        .setParent(Context.current().with(parent))
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
