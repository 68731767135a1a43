package dev.relaybox.outbox;

import java.util.UUID;

/**
 * Thrown at publish time when an event's serialized payload plus headers exceed {@link
 * Outbox.Builder#maxEventBytes(int)}: the relay could not hand it to Kafka. Nothing was written.
 */
public class EventTooLargeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient UUID eventId;
  private final String eventType;
  private final long size;
  private final long limit;

  public EventTooLargeException(UUID eventId, String eventType, long size, long limit) {
    super(
        "event id="
            + eventId
            + " type="
            + eventType
            + " is "
            + size
            + " bytes (serialized payload + headers), over the outbox limit of "
            + limit
            + " bytes: Kafka would refuse it. Store large content elsewhere and put a reference"
            + " in the event, or raise maxEventBytes together with the broker's message.max.bytes"
            + " and the relay producer's max.request.size");
    this.eventId = eventId;
    this.eventType = eventType;
    this.size = size;
    this.limit = limit;
  }

  /** The refused event's id. */
  public UUID eventId() {
    return eventId;
  }

  /** The refused event's type. */
  public String eventType() {
    return eventType;
  }

  /** Serialized payload plus header bytes. */
  public long size() {
    return size;
  }

  /** The configured maximum. */
  public long limit() {
    return limit;
  }
}
