package dev.relaybox.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.config.TopicPattern;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class OutboxRouterTest {
  /**
   * The row schema Debezium produces for the docs/architecture.md table, {@code created_at} as
   * {@link CreatedAtConverter} makes it.
   */
  private static final Schema ROW = rowSchema(Timestamp.builder().optional().build());

  private static Schema rowSchema(Schema createdAt) {
    return SchemaBuilder.struct()
        .field("id", SchemaBuilder.string().name("io.debezium.data.Uuid").build())
        .field("aggregatetype", Schema.OPTIONAL_STRING_SCHEMA)
        .field("aggregateid", Schema.OPTIONAL_STRING_SCHEMA)
        .field("type", Schema.OPTIONAL_STRING_SCHEMA)
        .field("payload", Schema.OPTIONAL_BYTES_SCHEMA)
        .field("created_at", createdAt)
        .field("headers", SchemaBuilder.string().name("io.debezium.data.Json").optional().build())
        .build();
  }

  /** The commit time of the change of each row; {@code created_at} wins when published. */
  private static final Long COMMIT = Instant.parse("2026-11-22T16:14:40.5Z").toEpochMilli();

  /** A change as Debezium delivers it: its offset holds the commit time in microseconds. */
  private static final SourceRecord CHANGE =
      new SourceRecord(Map.of(), Map.of("ts_usec", COMMIT * 1_000 + 123), "t", null, null);

  private final OutboxRouter router =
      new OutboxRouter(TopicPattern.parse("outbox.event.${aggregatetype}"), "dlq");

  private static Struct row(String aggType, String aggId, String type, String headers) {
    return new Struct(ROW)
        .put("id", "7d0c2c2e-0d8e-4a57-a1f2-1b0c6f1d9a01")
        .put("aggregatetype", aggType)
        .put("aggregateid", aggId)
        .put("type", type)
        .put("payload", ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 7, (byte) 0xff}))
        .put("created_at", Date.from(Instant.parse("2026-11-22T16:14:39.123456Z")))
        .put("headers", headers);
  }

  private static Map<String, String> headers(ProducerRecord<byte[], byte[]> r) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Header h : r.headers()) {
      m.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
    }
    return m;
  }

  @Test
  void routesByAggregateTypeWithKeyTimestampHeadersAndUntouchedBytes() {
    OutboxRouter.Routed r =
        router.route(row("order", "o-1", "OrderPlaced", "{\"traceparent\":\"00-abc-01\"}"), CHANGE);
    assertThat(r.reason()).isNull();
    ProducerRecord<byte[], byte[]> rec = r.record();
    assertThat(rec.topic()).isEqualTo("outbox.event.order");
    assertThat(new String(rec.key(), StandardCharsets.UTF_8)).isEqualTo("o-1");
    assertThat(rec.value()).containsExactly(0, 0, 0, 0, 7, 0xff);
    assertThat(rec.timestamp()).isEqualTo(Instant.parse("2026-11-22T16:14:39.123Z").toEpochMilli());
    assertThat(headers(rec))
        .containsExactly(
            Map.entry("traceparent", "00-abc-01"),
            Map.entry("id", "7d0c2c2e-0d8e-4a57-a1f2-1b0c6f1d9a01"),
            Map.entry("eventType", "OrderPlaced"),
            Map.entry("aggregateType", "order"));
  }

  @Test
  void debeziumsIsoStringCreatedAtGivesTheSameTimestamp() {
    // What Debezium's own ZonedTimestamp gives when debezium.converters replaces the relay's.
    Schema iso = rowSchema(SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").build());
    Struct converted = row("order", "o-1", "T", null);
    Struct row = new Struct(iso).put("created_at", "2026-11-22T16:14:39.123456Z");
    for (org.apache.kafka.connect.data.Field f : ROW.fields()) {
      if (!f.name().equals("created_at")) {
        row.put(f.name(), converted.get(f.name()));
      }
    }
    assertThat(router.route(row, CHANGE).record().timestamp())
        .isEqualTo(Instant.parse("2026-11-22T16:14:39.123Z").toEpochMilli());
  }

  @Test
  void withoutCreatedAtTheRecordCarriesTheCommitTime() {
    SchemaBuilder noCreatedAt = SchemaBuilder.struct();
    Struct full = row("order", "o-1", "T", null);
    ROW.fields().stream()
        .filter(f -> !f.name().equals("created_at"))
        .forEach(f -> noCreatedAt.field(f.name(), f.schema()));
    Struct row = new Struct(noCreatedAt.build());
    row.schema().fields().forEach(f -> row.put(f.name(), full.get(f.name())));

    assertThat(router.route(row, CHANGE).record().timestamp()).isEqualTo(COMMIT);
    assertThat(router.route(full, CHANGE).record().timestamp())
        .isEqualTo(Instant.parse("2026-11-22T16:14:39.123Z").toEpochMilli());
  }

  @Test
  void jsonHeadersCannotShadowTheEventId() {
    OutboxRouter.Routed r = router.route(row("order", "o-1", "T", "{\"id\":\"forged\"}"), CHANGE);
    assertThat(new String(r.record().headers().lastHeader("id").value(), StandardCharsets.UTF_8))
        .isEqualTo("7d0c2c2e-0d8e-4a57-a1f2-1b0c6f1d9a01");
  }

  @Test
  void badRowsGoToTheDeadLetterTopicWithTheReason() {
    assertDead(row(null, "o-1", "T", null), OutboxRouter.Reason.MISSING_AGGREGATE_TYPE);
    assertDead(row("  ", "o-1", "T", null), OutboxRouter.Reason.MISSING_AGGREGATE_TYPE);
    assertDead(row("order", null, "T", null), OutboxRouter.Reason.MISSING_AGGREGATE_ID);
    assertDead(row("order", "", "T", null), OutboxRouter.Reason.MISSING_AGGREGATE_ID);
    assertDead(row("order", "o-1", " ", null), OutboxRouter.Reason.MISSING_TYPE);
    assertDead(row("order/x", "o-1", "T", null), OutboxRouter.Reason.ILLEGAL_TOPIC);
    assertDead(row("x".repeat(300), "o-1", "T", null), OutboxRouter.Reason.ILLEGAL_TOPIC);
    assertDead(row("order", "o-1", "T", "[1]"), OutboxRouter.Reason.BAD_HEADERS);
    assertDead(row("order", "o-1", "T", "{\"n\":1}"), OutboxRouter.Reason.BAD_HEADERS);
  }

  @Test
  void tooLargeRecordsAreDeadLetteredWithoutTheirValue() {
    OutboxRouter.Routed ok = router.route(row("order", "o-1", "T", null), CHANGE);
    OutboxRouter.Routed dead = router.tooLarge(ok, "record is 2000000 bytes");
    assertThat(dead.record().topic()).isEqualTo("dlq");
    assertThat(dead.record().value()).isNull();
    assertThat(headers(dead.record()))
        .containsEntry("relaybox.dlq.reason", "RECORD_TOO_LARGE")
        .containsEntry("relaybox.dlq.topic", "outbox.event.order")
        .containsEntry("id", "7d0c2c2e-0d8e-4a57-a1f2-1b0c6f1d9a01");
    assertThat(headers(ok.record())).doesNotContainKey("relaybox.dlq.reason");
  }

  @Test
  void missingColumnIsExplained() {
    Schema partial = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();
    assertThatThrownBy(() -> router.route(new Struct(partial).put("id", "x"), CHANGE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no column 'aggregatetype'");
  }

  private void assertDead(Struct row, OutboxRouter.Reason reason) {
    OutboxRouter.Routed r = router.route(row, CHANGE);
    assertThat(r.reason()).isEqualTo(reason);
    assertThat(r.record().topic()).isEqualTo("dlq");
    assertThat(r.record().value()).containsExactly(0, 0, 0, 0, 7, 0xff);
    assertThat(headers(r.record()))
        .containsEntry("relaybox.dlq.reason", reason.name())
        .containsKey("relaybox.dlq.detail")
        .containsEntry("id", "7d0c2c2e-0d8e-4a57-a1f2-1b0c6f1d9a01");
  }
}
