package dev.relaybox.outbox;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.internals.Topic;

/**
 * One domain event to write to the outbox: which aggregate it belongs to, its type, its Avro
 * payload, its id and its headers. Immutable and thread-safe; build one with {@link #builder()} or
 * {@link #of(String, String, IndexedRecord)}.
 *
 * <p>On Kafka (see docs/architecture.md) the aggregate type picks the topic ({@code
 * outbox.event.<aggregateType>} by default), the aggregate id is the record key (so one aggregate's
 * events stay ordered in one partition), the id becomes the {@code id} header consumers dedupe on,
 * the type becomes the {@code eventType} header, and every entry of {@link #headers()} becomes a
 * header of its own.
 */
public final class OutboxEvent {

  /** W3C Trace Context header carrying the trace and parent span ids. */
  public static final String TRACEPARENT = "traceparent";

  /** W3C Trace Context header carrying vendor-specific trace state. */
  public static final String TRACESTATE = "tracestate";

  /** Name of the payload field whose value, when present, is the default event id. */
  public static final String EVENT_ID_FIELD = "eventId";

  /** Length limit of the {@code aggregatetype}, {@code aggregateid} and {@code type} columns. */
  static final int MAX_COLUMN_LENGTH = 255;

  private static final Pattern TRACEPARENT_FORMAT =
      Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

  /** W3C Trace Context: at most 32 list members, 512 characters is the propagation minimum. */
  private static final int MAX_TRACESTATE_LENGTH = 512;

  private static final TimeBasedEpochGenerator EVENT_IDS = Generators.timeBasedEpochGenerator();

  private final UUID id;
  private final String aggregateType;
  private final String aggregateId;
  private final String type;
  private final IndexedRecord payload;
  private final Map<String, String> headers;

  private OutboxEvent(Builder builder, UUID id, String type) {
    this.id = id;
    this.aggregateType = builder.aggregateType;
    this.aggregateId = builder.aggregateId;
    this.type = type;
    this.payload = builder.payload;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(builder.headers));
  }

  /**
   * A new time-ordered event id (UUID version 7, RFC 9562): ids created later sort later. Consumers
   * insert every event id into their processed-keys primary key; time-ordered ids append to the
   * right edge of that index instead of touching random pages, which gave more effects/s than
   * random UUIDs in the consumer benchmark (docs/benchmarks.md). Thread-safe. Use it for the
   * payload's {@value #EVENT_ID_FIELD}; it is also the default id of events whose payload has no
   * such field.
   */
  public static UUID newEventId() {
    return EVENT_IDS.generate();
  }

  /** A new builder; {@link Builder#build()} validates every property. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * An event with the default type (the payload schema's simple name), the default id and no
   * headers.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException as {@link Builder#build()}
   */
  public static OutboxEvent of(String aggregateType, String aggregateId, IndexedRecord payload) {
    return builder().aggregateType(aggregateType).aggregateId(aggregateId).payload(payload).build();
  }

  /** The event id (the table's primary key, Kafka header {@code id}); never null. */
  public UUID id() {
    return id;
  }

  /** The aggregate type, e.g. {@code order}; never null. */
  public String aggregateType() {
    return aggregateType;
  }

  /** The aggregate id, the Kafka record key; never null. */
  public String aggregateId() {
    return aggregateId;
  }

  /** The event type, e.g. {@code OrderPlaced}; never null. */
  public String type() {
    return type;
  }

  /** The Avro record serialized into the {@code payload} column; never null. */
  public IndexedRecord payload() {
    return payload;
  }

  /** Headers in insertion order, unmodifiable; empty when there are none. */
  public Map<String, String> headers() {
    return headers;
  }

  @Override
  public String toString() {
    return "OutboxEvent{id="
        + id
        + ", aggregateType="
        + aggregateType
        + ", aggregateId="
        + aggregateId
        + ", type="
        + type
        + "}";
  }

  /** Builds an {@link OutboxEvent}; not thread-safe. Every setter returns {@code this}. */
  public static final class Builder {
    private String aggregateType;
    private String aggregateId;
    private String type;
    private IndexedRecord payload;
    private UUID eventId;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Required, e.g. {@code order}. Becomes part of the Kafka topic name, so only {@code
     * [a-zA-Z0-9._-]} are allowed, and the whole topic name (see {@link Outbox#topicFor(String)})
     * may have at most 249 characters.
     */
    public Builder aggregateType(String aggregateType) {
      this.aggregateType = aggregateType;
      return this;
    }

    /** Required: the id of the aggregate (e.g. the order id), at most 255 characters. */
    public Builder aggregateId(String aggregateId) {
      this.aggregateId = aggregateId;
      return this;
    }

    /**
     * The event type, at most 255 characters. Default: the payload schema's simple name, e.g.
     * {@code OrderPlaced}.
     */
    public Builder type(String type) {
      this.type = type;
      return this;
    }

    /** Required: an Avro {@code SpecificRecord} or {@code GenericRecord} of a record schema. */
    public Builder payload(IndexedRecord payload) {
      this.payload = payload;
      return this;
    }

    /**
     * The event id. Default: the payload's {@value #EVENT_ID_FIELD} field when the schema has one
     * (it must hold a UUID), otherwise {@link OutboxEvent#newEventId()}. If both are given they
     * must be equal.
     */
    public Builder eventId(UUID eventId) {
      this.eventId = eventId;
      return this;
    }

    /**
     * The W3C {@code traceparent} header, e.g. {@code
     * 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}; validated at {@link #build()}.
     */
    public Builder traceparent(String traceparent) {
      return header(TRACEPARENT, traceparent);
    }

    /** The W3C {@code tracestate} header (at most 512 characters). */
    public Builder tracestate(String tracestate) {
      return header(TRACESTATE, tracestate);
    }

    /**
     * Adds or replaces a string header. The names {@code id}, {@code eventType} and {@code
     * aggregateType} are reserved for the relay's own headers.
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "header name");
      headers.put(name, value);
      return this;
    }

    /** Adds or replaces every entry of {@code headers}, as {@link #header(String, String)}. */
    public Builder headers(Map<String, String> headers) {
      headers.forEach(this::header);
      return this;
    }

    /**
     * Validates every property and builds the event.
     *
     * @throws NullPointerException if aggregateType, aggregateId or payload is missing
     * @throws IllegalArgumentException naming the property that is blank, too long, not a legal
     *     topic-name part, or not a UUID, or a header that is reserved or malformed
     */
    public OutboxEvent build() {
      requireText("aggregateType", aggregateType);
      if (!Topic.isValid(aggregateType)) {
        throw new IllegalArgumentException(
            "aggregateType '"
                + aggregateType
                + "' would make an illegal Kafka topic name: use only letters, digits, '.', '_'"
                + " and '-', at most 249 characters");
      }
      requireText("aggregateId", aggregateId);
      Objects.requireNonNull(payload, "payload must not be null: give the event's Avro record");
      Schema schema = payload.getSchema();
      if (schema.getType() != Schema.Type.RECORD) {
        throw new IllegalArgumentException(
            "payload must be an Avro record, its schema is a " + schema.getType());
      }
      String resolvedType = type == null ? schema.getName() : type;
      requireText("type", resolvedType);
      headers.forEach(Builder::validateHeader);
      return new OutboxEvent(this, resolveId(schema), resolvedType);
    }

    private UUID resolveId(Schema schema) {
      Schema.Field field = schema.getField(EVENT_ID_FIELD);
      Object value = field == null ? null : payload.get(field.pos());
      if (value == null) {
        return eventId != null ? eventId : newEventId();
      }
      UUID fromPayload;
      try {
        fromPayload = value instanceof UUID ? (UUID) value : UUID.fromString(value.toString());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "payload field "
                + EVENT_ID_FIELD
                + " must hold a UUID (it becomes the event id consumers dedupe on), was '"
                + value
                + "'",
            e);
      }
      if (eventId != null && !eventId.equals(fromPayload)) {
        throw new IllegalArgumentException(
            "eventId "
                + eventId
                + " differs from the payload's "
                + EVENT_ID_FIELD
                + " field "
                + fromPayload
                + ": give the same id or leave eventId unset");
      }
      return fromPayload;
    }

    private static void requireText(String property, String value) {
      Objects.requireNonNull(value, () -> property + " must not be null");
      if (value.isBlank()) {
        throw new IllegalArgumentException(property + " must not be blank");
      }
      if (value.length() > MAX_COLUMN_LENGTH) {
        throw new IllegalArgumentException(
            property
                + " is "
                + value.length()
                + " characters long; the outbox column holds at most "
                + MAX_COLUMN_LENGTH);
      }
    }

    private static void validateHeader(String name, String value) {
      if (name.isBlank()) {
        throw new IllegalArgumentException("header name must not be blank");
      }
      if (name.equals("id") || name.equals("eventType") || name.equals("aggregateType")) {
        throw new IllegalArgumentException(
            "header '"
                + name
                + "' is reserved: the relay sets it from the event's own columns; rename it");
      }
      Objects.requireNonNull(value, () -> "header '" + name + "' must not have a null value");
      if (name.equals(TRACEPARENT)
          && (!TRACEPARENT_FORMAT.matcher(value).matches()
              || value.startsWith("ff")
              || value.substring(3, 35).chars().allMatch(c -> c == '0')
              || value.substring(36, 52).chars().allMatch(c -> c == '0'))) {
        throw new IllegalArgumentException(
            "header traceparent '"
                + value
                + "' is not a W3C traceparent (version-traceid-parentid-flags, lower-case hex,"
                + " non-zero ids)");
      }
      if (name.equals(TRACESTATE) && value.length() > MAX_TRACESTATE_LENGTH) {
        throw new IllegalArgumentException(
            "header tracestate is "
                + value.length()
                + " characters long; W3C Trace Context allows at most "
                + MAX_TRACESTATE_LENGTH);
      }
    }
  }
}
