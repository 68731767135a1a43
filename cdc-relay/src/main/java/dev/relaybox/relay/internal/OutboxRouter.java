package dev.relaybox.relay.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.relaybox.config.TopicPattern;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns the {@code after} row of an outbox insert into the Kafka record of docs/architecture.md, or
 * into a dead-letter record with the reason in headers. Payload bytes are never decoded. Not
 * thread-safe: one instance per engine consumer thread.
 */
final class OutboxRouter {
  static final String HEADER_ID = "id";
  static final String HEADER_EVENT_TYPE = "eventType";
  static final String HEADER_AGGREGATE_TYPE = "aggregateType";
  static final String DLQ_REASON = "relaybox.dlq.reason";
  static final String DLQ_DETAIL = "relaybox.dlq.detail";
  static final String DLQ_TOPIC = "relaybox.dlq.topic";

  private static final String ID = "id";
  private static final String AGGREGATE_TYPE = "aggregatetype";
  private static final String AGGREGATE_ID = "aggregateid";
  private static final String TYPE = "type";
  private static final String PAYLOAD = "payload";
  private static final String HEADERS = "headers";

  /**
   * The outbox columns the router needs; {@code created_at} ({@link CreatedAtConverter#COLUMN})
   * besides them only when it stamps records with it.
   */
  static final List<String> COLUMNS =
      List.of(ID, AGGREGATE_TYPE, AGGREGATE_ID, TYPE, PAYLOAD, HEADERS);

  private static final JsonFactory JSON = new JsonFactory();

  private final TopicPattern topics;
  private final String dlqTopic;

  private Schema rowSchema;
  private Field id;
  private Field aggregateType;
  private Field aggregateId;
  private Field type;
  private Field payload;
  private Field createdAt;
  private Field headers;

  OutboxRouter(TopicPattern topics, String dlqTopic) {
    this.topics = topics;
    this.dlqTopic = dlqTopic;
  }

  /** Why a row went to the dead-letter topic; the name is the {@value #DLQ_REASON} header. */
  enum Reason {
    MISSING_AGGREGATE_TYPE,
    MISSING_AGGREGATE_ID,
    MISSING_TYPE,
    ILLEGAL_TOPIC,
    BAD_HEADERS,
    RECORD_TOO_LARGE
  }

  /**
   * The routed row: {@link #record} goes to its topic, or to the dead-letter topic when {@link
   * #reason} is set.
   */
  record Routed(
      String eventId, String topic, ProducerRecord<byte[], byte[]> record, Reason reason) {}

  /**
   * Routes one outbox row of {@code change}, stamped with its {@code created_at}, or with its
   * transaction's commit time when the publication leaves {@code created_at} out.
   *
   * @throws IllegalStateException if the table lacks a column of docs/architecture.md
   */
  Routed route(Struct row, SourceRecord change) {
    bind(row.schema());
    String eventId = string(row.get(id));
    String aggType = (String) row.get(aggregateType);
    String aggId = (String) row.get(aggregateId);
    String eventType = (String) row.get(type);
    byte[] value = bytes(row.get(payload));
    // The commit time only when needed: its offset lookup would be per-event work in the default.
    Long timestamp =
        createdAt == null ? ChangeRecords.commitMillis(change) : timestamp(row.get(createdAt));
    byte[] key = aggId == null ? null : aggId.getBytes(StandardCharsets.UTF_8);

    RecordHeaders kafkaHeaders = new RecordHeaders();
    String headerError = addJsonHeaders(kafkaHeaders, (String) row.get(headers));
    addHeader(kafkaHeaders, HEADER_ID, eventId);
    addHeader(kafkaHeaders, HEADER_EVENT_TYPE, eventType);
    addHeader(kafkaHeaders, HEADER_AGGREGATE_TYPE, aggType);

    TopicPattern.Resolution resolution = isBlank(aggType) ? null : topics.resolve(aggType);
    String topic = resolution == null ? null : resolution.topic();
    Rejection rejection = rejection(resolution, aggId, eventType, headerError);
    if (rejection != null) {
      return dead(
          eventId,
          topic,
          key,
          value,
          timestamp,
          kafkaHeaders,
          rejection.reason(),
          rejection.detail());
    }
    return new Routed(
        eventId,
        topic,
        new ProducerRecord<>(topic, null, timestamp, key, value, kafkaHeaders),
        null);
  }

  private record Rejection(Reason reason, String detail) {}

  /** Why a row cannot be routed, checked in this order; null if it can. */
  private static Rejection rejection(
      TopicPattern.Resolution resolution, String aggId, String eventType, String headerError) {
    if (resolution == null) {
      return new Rejection(
          Reason.MISSING_AGGREGATE_TYPE, "aggregatetype is null or blank: no topic to route to");
    }
    if (resolution.invalidReason() != null) {
      return new Rejection(Reason.ILLEGAL_TOPIC, resolution.invalidReason());
    }
    if (isBlank(aggId)) {
      return new Rejection(
          Reason.MISSING_AGGREGATE_ID, "aggregateid is null or blank: no record key");
    }
    if (isBlank(eventType)) {
      return new Rejection(Reason.MISSING_TYPE, "type is null or blank: no eventType header");
    }
    if (headerError != null) {
      return new Rejection(Reason.BAD_HEADERS, headerError);
    }
    return null;
  }

  /** The dead-letter form of a record the producer refused as too large: same headers, no value. */
  Routed tooLarge(Routed routed, String detail) {
    ProducerRecord<byte[], byte[]> r = routed.record();
    RecordHeaders copy = new RecordHeaders(r.headers().toArray());
    return dead(
        routed.eventId(),
        routed.topic(),
        r.key(),
        null,
        r.timestamp(),
        copy,
        Reason.RECORD_TOO_LARGE,
        detail);
  }

  private Routed dead(
      String eventId,
      String topic,
      byte[] key,
      byte[] value,
      Long timestamp,
      RecordHeaders kafkaHeaders,
      Reason reason,
      String detail) {
    addHeader(kafkaHeaders, DLQ_REASON, reason.name());
    addHeader(kafkaHeaders, DLQ_DETAIL, detail);
    addHeader(kafkaHeaders, DLQ_TOPIC, topic);
    return new Routed(
        eventId,
        topic,
        new ProducerRecord<>(dlqTopic, null, timestamp, key, value, kafkaHeaders),
        reason);
  }

  private void bind(Schema schema) {
    if (schema == rowSchema) {
      return;
    }
    id = field(schema, ID);
    aggregateType = field(schema, AGGREGATE_TYPE);
    aggregateId = field(schema, AGGREGATE_ID);
    type = field(schema, TYPE);
    payload = field(schema, PAYLOAD);
    createdAt = schema.field(CreatedAtConverter.COLUMN); // absent: record.timestamp=commit
    headers = field(schema, HEADERS);
    rowSchema = schema;
  }

  private static Field field(Schema schema, String name) {
    Field f = schema.field(name);
    if (f == null) {
      throw new IllegalStateException(
          "The outbox table has no column '"
              + name
              + "' (columns: "
              + schema.fields().stream().map(Field::name).toList()
              + "); create it with the outbox-producer migrations (docs/architecture.md)");
    }
    return f;
  }

  /**
   * Adds every entry of the jsonb {@code headers} column; returns why it is malformed, or null.
   * Added before the relay's own headers so {@code lastHeader("id")} is always the event id.
   */
  private static String addJsonHeaders(RecordHeaders target, String json) {
    if (json == null) {
      return null;
    }
    try (JsonParser p = JSON.createParser(json)) {
      JsonToken first = p.nextToken();
      if (first == JsonToken.VALUE_NULL) {
        return null;
      }
      if (first != JsonToken.START_OBJECT) {
        return "headers column must be a JSON object of string values, was " + first;
      }
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String name = p.currentName();
        if (p.nextToken() != JsonToken.VALUE_STRING) {
          return "headers column entry '" + name + "' is not a string";
        }
        target.add(name, p.getText().getBytes(StandardCharsets.UTF_8));
      }
      return null;
    } catch (IOException e) {
      return "headers column is not valid JSON: "
          + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage());
    }
  }

  private static void addHeader(RecordHeaders target, String name, String value) {
    if (value != null) {
      target.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static String string(Object o) {
    return o == null ? null : o.toString();
  }

  private static byte[] bytes(Object o) {
    if (o == null || o instanceof byte[]) {
      return (byte[]) o;
    }
    ByteBuffer buffer = ((ByteBuffer) o).duplicate();
    if (buffer.hasArray()
        && buffer.arrayOffset() == 0
        && buffer.position() == 0
        && buffer.remaining() == buffer.array().length) {
      return buffer.array();
    }
    byte[] copy = new byte[buffer.remaining()];
    buffer.get(copy);
    return copy;
  }

  /**
   * {@code created_at} arrives as a {@link Date} ({@link CreatedAtConverter}), or as Debezium's
   * ISO-8601 string when {@code debezium.converters} replaces the relay's converter.
   */
  private static Long timestamp(Object o) {
    if (o instanceof String s) {
      try {
        return Instant.parse(s).toEpochMilli();
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    if (o instanceof Date d) {
      return d.getTime();
    }
    return null;
  }
}
