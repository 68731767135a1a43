package dev.relaybox.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class OutboxEventTest {
  private static final Schema WITH_ID =
      SchemaBuilder.record("ThingHappened")
          .namespace("dev.relaybox.test")
          .fields()
          .requiredString("eventId")
          .requiredString("note")
          .endRecord();
  private static final Schema WITHOUT_ID =
      SchemaBuilder.record("Ping").fields().requiredString("note").endRecord();

  private static GenericRecord withId(String eventId) {
    GenericRecord record = new GenericData.Record(WITH_ID);
    record.put("eventId", eventId);
    record.put("note", "n");
    return record;
  }

  private static GenericRecord withoutId() {
    GenericRecord record = new GenericData.Record(WITHOUT_ID);
    record.put("note", "n");
    return record;
  }

  @Test
  void defaultsIdToThePayloadsEventIdFieldAndTypeToTheSchemaName() {
    UUID id = UUID.randomUUID();
    OutboxEvent event = OutboxEvent.of("order", "o-1", withId(id.toString()));
    assertThat(event.id()).isEqualTo(id);
    assertThat(event.type()).isEqualTo("ThingHappened");
    assertThat(event.headers()).isEmpty();
  }

  @Test
  void defaultsIdToATimeOrderedUuidWithoutAnEventIdField() {
    OutboxEvent a = OutboxEvent.of("order", "o-1", withoutId());
    OutboxEvent b = OutboxEvent.of("order", "o-1", withoutId());
    assertThat(a.id()).isNotNull().isNotEqualTo(b.id());
    assertThat(a.id().version()).isEqualTo(7);
    assertThat(b.id()).isGreaterThan(a.id());
  }

  @Test
  void newEventIdsAreUniqueAndSortInCreationOrder() {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      ids.add(OutboxEvent.newEventId());
    }
    assertThat(ids).doesNotHaveDuplicates().isSorted();
    assertThat(ids).allSatisfy(id -> assertThat(id.version()).isEqualTo(7));
  }

  @Test
  void explicitIdMustMatchThePayload() {
    UUID id = UUID.randomUUID();
    OutboxEvent same =
        OutboxEvent.builder()
            .aggregateType("order")
            .aggregateId("o-1")
            .payload(withId(id.toString()))
            .eventId(id)
            .build();
    assertThat(same.id()).isEqualTo(id);
    UUID other = UUID.randomUUID();
    assertThatThrownBy(
            () ->
                OutboxEvent.builder()
                    .aggregateType("order")
                    .aggregateId("o-1")
                    .payload(withId(id.toString()))
                    .eventId(other)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("eventId " + other)
        .hasMessageContaining("payload's eventId field " + id);
  }

  @Test
  void eventIdFieldMustHoldAUuid() {
    assertThatThrownBy(() -> OutboxEvent.of("order", "o-1", withId("not-a-uuid")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("payload field eventId must hold a UUID")
        .hasMessageContaining("'not-a-uuid'");
  }

  @Test
  void refusesMissingOrBlankAggregateAndPayload() {
    assertThatThrownBy(() -> OutboxEvent.of("order", null, withoutId()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("aggregateId must not be null");
    assertThatThrownBy(() -> OutboxEvent.of("order", "  ", withoutId()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("aggregateId must not be blank");
    assertThatThrownBy(() -> OutboxEvent.of(null, "o-1", withoutId()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("aggregateType must not be null");
    assertThatThrownBy(() -> OutboxEvent.of("", "o-1", withoutId()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("aggregateType must not be blank");
    assertThatThrownBy(() -> OutboxEvent.of("order", "o-1", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("payload must not be null");
    assertThatThrownBy(() -> OutboxEvent.of("order", "x".repeat(256), withoutId()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aggregateId is 256 characters long")
        .hasMessageContaining("at most 255");
  }

  @Test
  void refusesAggregateTypesThatMakeIllegalTopicNames() {
    assertThatThrownBy(() -> OutboxEvent.of("order/v2", "o-1", withoutId()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aggregateType 'order/v2' would make an illegal Kafka topic name");
    assertThatThrownBy(() -> OutboxEvent.of("Bestellung ä", "o-1", withoutId()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("illegal Kafka topic name");
    assertThat(OutboxEvent.of("Order.v2_x-y", "o-1", withoutId()).aggregateType())
        .isEqualTo("Order.v2_x-y");
  }

  @Test
  void validatesTraceContextAndReservedHeaders() {
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    OutboxEvent event =
        OutboxEvent.builder()
            .aggregateType("order")
            .aggregateId("o-1")
            .payload(withoutId())
            .traceparent(traceparent)
            .tracestate("congo=t61rcWkgMzE")
            .header("tenant", "acme")
            .build();
    assertThat(event.headers())
        .containsExactly(
            java.util.Map.entry("traceparent", traceparent),
            java.util.Map.entry("tracestate", "congo=t61rcWkgMzE"),
            java.util.Map.entry("tenant", "acme"));

    assertThatThrownBy(() -> builder().traceparent("00-abc-def-01").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("header traceparent '00-abc-def-01' is not a W3C traceparent");
    assertThatThrownBy(
            () ->
                builder()
                    .traceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("non-zero ids");
    assertThatThrownBy(() -> builder().tracestate("a=" + "b".repeat(600)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tracestate is 602 characters long");
    assertThatThrownBy(() -> builder().header("eventType", "X").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("header 'eventType' is reserved");
    assertThatThrownBy(() -> builder().header("tenant", null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("header 'tenant' must not have a null value");
  }

  private static OutboxEvent.Builder builder() {
    return OutboxEvent.builder().aggregateType("order").aggregateId("o-1").payload(withoutId());
  }
}
