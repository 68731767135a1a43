package dev.relaybox.consumers;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;
import org.apache.kafka.common.header.Headers;

/**
 * One decoded Kafka record as a handler sees it: the event, its id and where it came from.
 * Immutable apart from {@link #headers()}, which handlers must not modify.
 *
 * @param eventId the event id from the Kafka header {@code id}, the deduplication key; never null
 * @param key the record key decoded as UTF-8 (the outbox aggregate id); null if the record has none
 * @param value what the configured deserializer returned; null for a tombstone
 * @param topic the topic the record was read from
 * @param partition its partition
 * @param offset its offset
 * @param timestampMillis the record timestamp (the outbox row's {@code created_at})
 * @param headers every header of the record, including {@code id} and {@code eventType}
 * @param attempt 1 for the first attempt, incremented for each retry from the retry set (counted
 *     durably, across restarts and rebalances)
 */
public record ConsumedEvent(
    UUID eventId,
    String key,
    Object value,
    String topic,
    int partition,
    long offset,
    long timestampMillis,
    Headers headers,
    int attempt) {

  /** Kafka header carrying the event id ({@code docs/architecture.md}). */
  public static final String ID_HEADER = "id";

  /** Kafka header carrying the event type, e.g. {@code OrderPlaced}. */
  public static final String EVENT_TYPE_HEADER = "eventType";

  public ConsumedEvent {
    Objects.requireNonNull(eventId, "eventId must not be null");
    Objects.requireNonNull(topic, "topic must not be null");
    Objects.requireNonNull(headers, "headers must not be null");
  }

  /** The value cast to the handler's expected type. */
  public <T> T value(Class<T> type) {
    return type.cast(value);
  }

  /** The {@code eventType} header as a string, or null when absent. */
  public String eventType() {
    var header = headers.lastHeader(EVENT_TYPE_HEADER);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "eventId="
        + eventId
        + " key="
        + key
        + " topic="
        + topic
        + " partition="
        + partition
        + " offset="
        + offset
        + " attempt="
        + attempt;
  }
}
