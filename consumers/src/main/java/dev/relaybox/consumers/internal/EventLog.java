package dev.relaybox.consumers.internal;

import dev.relaybox.config.TraceHeaders;
import dev.relaybox.consumers.ConsumedEvent;
import io.opentelemetry.api.trace.SpanContext;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.slf4j.MDC;

/**
 * The log context of one event's attempt: MDC keys {@value #EVENT_ID}, {@value #KEY}, {@value
 * #TOPIC}, {@value #PARTITION}, {@value #OFFSET}, {@value #ATTEMPT}, {@value #GROUP}, {@value
 * #TRACE_ID}, {@value #SPAN_ID}, set while the event runs and while its failure is logged, so a
 * JSON log line carries them as fields. Scopes nest: closing one restores the previous values.
 */
final class EventLog {
  static final String EVENT_ID = "eventId";
  static final String KEY = "key";
  static final String TOPIC = "topic";
  static final String PARTITION = "partition";
  static final String OFFSET = "offset";
  static final String ATTEMPT = "attempt";
  static final String GROUP = "group";
  static final String TRACE_ID = "traceId";
  static final String SPAN_ID = "spanId";

  private static final String[] KEYS = {
    EVENT_ID, KEY, TOPIC, PARTITION, OFFSET, ATTEMPT, GROUP, TRACE_ID, SPAN_ID
  };

  /** The previous MDC values while a scope is open; restored by {@link #close()}. */
  static final class Scope implements AutoCloseable {
    private final String[] previous = new String[KEYS.length];

    private Scope() {
      for (int i = 0; i < KEYS.length; i++) {
        previous[i] = MDC.get(KEYS[i]);
      }
    }

    @Override
    public void close() {
      for (int i = 0; i < KEYS.length; i++) {
        if (previous[i] == null) {
          MDC.remove(KEYS[i]);
        } else {
          MDC.put(KEYS[i], previous[i]);
        }
      }
    }
  }

  private EventLog() {}

  /** Opens the context of {@code record}'s {@code attempt}, trace ids from its header. */
  static Scope open(String group, ConsumerRecord<byte[], byte[]> record, int attempt) {
    return open(group, record, attempt, null);
  }

  /** Like {@link #open(String, ConsumedEvent, String[])} for a record not decoded yet. */
  static Scope open(
      String group, ConsumerRecord<byte[], byte[]> record, int attempt, String[] span) {
    UUID id = RecordCodec.eventId(record.headers());
    return open(
        group,
        id == null ? null : id.toString(),
        FailureHandler.keyText(record.key()),
        record.topic(),
        record.partition(),
        record.offset(),
        attempt,
        record.headers(),
        span);
  }

  /**
   * Opens the context of {@code event} in {@code group}; the trace and span ids are {@code span}'s
   * ({@code [traceId, spanId]}, the consumer span) if given, else the {@code traceparent} header's.
   */
  static Scope open(String group, ConsumedEvent event, String[] span) {
    return open(
        group,
        event.eventId().toString(),
        event.key(),
        event.topic(),
        event.partition(),
        event.offset(),
        event.attempt(),
        event.headers(),
        span);
  }

  private static Scope open(
      String group,
      String eventId,
      String key,
      String topic,
      int partition,
      long offset,
      int attempt,
      Headers headers,
      String[] span) {
    Scope scope = new Scope();
    put(EVENT_ID, eventId);
    put(KEY, key);
    put(TOPIC, topic);
    put(PARTITION, Integer.toString(partition));
    put(OFFSET, Long.toString(offset));
    put(ATTEMPT, Integer.toString(attempt));
    put(GROUP, group);
    String traceId = null;
    String spanId = null;
    if (span != null) {
      traceId = span[0];
      spanId = span[1];
    } else {
      SpanContext parent = TraceHeaders.spanContext(headers);
      if (parent.isValid()) {
        traceId = parent.getTraceId();
        spanId = parent.getSpanId();
      }
    }
    put(TRACE_ID, traceId);
    put(SPAN_ID, spanId);
    return scope;
  }

  private static void put(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
