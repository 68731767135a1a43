package dev.relaybox.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.schemas.InMemoryRegistry;
import dev.relaybox.schemas.SampleEvents;
import dev.relaybox.schemas.samples.OrderPlaced;
import dev.relaybox.schemas.serde.EventDecodingException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  /** The contract's example: record {id:"order-1", amount:4200} with schema id 1. */
  private static final Schema ORDER_CREATED =
      SchemaBuilder.record("OrderCreated")
          .namespace("smoke.events")
          .fields()
          .requiredString("id")
          .requiredLong("amount")
          .endRecord();

  private final InMemoryRegistry registry = new InMemoryRegistry(1);
  private final AvroSerializer serializer = new AvroSerializer(registry, SerdeConfig.defaults());
  private final AvroDeserializer generic = new AvroDeserializer(registry, SerdeConfig.defaults());
  private final AvroDeserializer specific =
      new AvroDeserializer(registry, SerdeConfig.builder().specificAvroReader(true).build());

  private static GenericRecord orderCreated() {
    GenericRecord record = new GenericData.Record(ORDER_CREATED);
    record.put("id", "order-1");
    record.put("amount", 4200L);
    return record;
  }

  @Test
  void writesTheContractsExampleByteForByte() {
    byte[] bytes = serializer.serialize("smoke-events", orderCreated());

    assertThat(HexFormat.of().formatHex(bytes))
        .isEqualTo("00" + "00000001" + "0e6f726465722d31" + "d041");
    assertThat(registry.subjects()).containsExactly("smoke-events-value");
  }

  @Test
  void writesTheSchemaIdBigEndianAfterTheMagicByte() {
    InMemoryRegistry bigIds = new InMemoryRegistry(0x01020304);
    byte[] bytes =
        new AvroSerializer(bigIds, SerdeConfig.defaults()).serialize("t", orderCreated());

    assertThat(Arrays.copyOf(bytes, 5)).containsExactly(0x00, 0x01, 0x02, 0x03, 0x04);
    assertThat(Arrays.copyOfRange(bytes, 5, bytes.length))
        .containsExactly(0x0e, 'o', 'r', 'd', 'e', 'r', '-', '1', 0xd0, 0x41);
  }

  @Test
  void writesAnOrderPlacedAsHeaderPlusAvroBinary() {
    byte[] bytes = serializer.serialize("outbox.event.order", SampleEvents.orderPlaced());

    // eventId: 36-char uuid string (length 36 → zigzag 0x48); occurredAt follows.
    assertThat(Arrays.copyOf(bytes, 7)).containsExactly(0x00, 0, 0, 0, 1, 0x48, '7');
    assertThat(new String(bytes, 6, 36, StandardCharsets.UTF_8))
        .isEqualTo("7f1d2c3b-0000-4000-8000-000000000001");
  }

  @Test
  void roundTripsEveryContractAsSpecificAndGeneric() {
    for (SpecificRecord event : SampleEvents.all()) {
      byte[] bytes = serializer.serialize("outbox.event.order", event);

      assertThat(specific.deserialize("outbox.event.order", bytes)).isEqualTo(event);
      GenericRecord record = (GenericRecord) generic.deserialize("outbox.event.order", bytes);
      assertThat(record.getSchema()).isEqualTo(event.getSchema());
      assertThat(record.get("orderId")).hasToString("order-1");
    }
  }

  @Test
  void nullIsATombstoneBothWays() {
    assertThat(serializer.serialize("t", null)).isNull();
    assertThat(generic.deserialize("t", null)).isNull();
    assertThat(registry.subjects()).isEmpty();
  }

  @Test
  void rejectsWrongMagicByteNamingTopicPartitionAndOffset() {
    byte[] json = "{\"orderId\":\"1\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> generic.deserialize("orders", 2, 17L, json))
        .isInstanceOfSatisfying(
            EventDecodingException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_MAGIC_BYTE);
              assertThat(e.partition()).isEqualTo(2);
              assertThat(e.offset()).isEqualTo(17L);
            })
        .hasMessageContaining("value of topic 'orders' partition 2 offset 17")
        .hasMessageContaining("unknown magic byte 0x7b");
  }

  @Test
  void consumerRecordErrorsNameTopicPartitionOffsetAndEventId() {
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>(
            "outbox.event.order",
            1,
            99L,
            "order-1".getBytes(StandardCharsets.UTF_8),
            new byte[] {1, 2});
    record
        .headers()
        .add("id", "7f1d2c3b-0000-4000-8000-000000000001".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> generic.deserialize(record))
        .isInstanceOf(EventDecodingException.class)
        .hasMessageStartingWith(
            "Cannot decode value of topic 'outbox.event.order' partition 1 offset 99 (event id"
                + " 7f1d2c3b-0000-4000-8000-000000000001): unknown magic byte 0x01");
    assertThatThrownBy(() -> generic.deserialize("t", record.headers(), new byte[] {0, 0}))
        .hasMessageContaining("(event id 7f1d2c3b-0000-4000-8000-000000000001)");
  }

  @Test
  void rejectsPayloadsShorterThanTheHeader() {
    assertThatThrownBy(() -> generic.deserialize("orders", new byte[] {0, 0, 1}))
        .isInstanceOfSatisfying(
            EventDecodingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED))
        .hasMessageContaining("topic 'orders'")
        .hasMessageContaining("3 byte(s)");
    assertThatThrownBy(() -> generic.deserialize("orders", new byte[0]))
        .isInstanceOfSatisfying(
            EventDecodingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED))
        .hasMessageContaining("empty");
  }

  @Test
  void rejectsACutAvroBody() {
    byte[] bytes = serializer.serialize("orders", SampleEvents.orderPlaced());
    byte[] cut = Arrays.copyOf(bytes, bytes.length - 4);

    assertThatThrownBy(() -> specific.deserialize("orders", cut))
        .isInstanceOfSatisfying(
            EventDecodingException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
              assertThat(e.schemaId()).isEqualTo(1);
            })
        .hasMessageContaining("ends before the record of schema id 1");
  }

  @Test
  void rejectsTrailingBytes() {
    byte[] bytes = serializer.serialize("orders", orderCreated());
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 2);

    assertThatThrownBy(() -> generic.deserialize("orders", longer))
        .isInstanceOfSatisfying(
            EventDecodingException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_AVRO))
        .hasMessageContaining("2 byte(s) left");
  }

  @Test
  void rejectsAnUnknownSchemaId() {
    byte[] bytes = serializer.serialize("orders", orderCreated());
    bytes[4] = 99;

    assertThatThrownBy(() -> generic.deserialize("orders", bytes))
        .isInstanceOfSatisfying(
            EventDecodingException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
              assertThat(e.schemaId()).isEqualTo(99);
            })
        .hasMessageContaining("schema id 99 is not in the registry (error_code 40403)");
  }

  @Test
  void resolvesIntoAGivenGenericReaderSchema() {
    Schema v2 =
        SchemaBuilder.record("OrderCreated")
            .namespace("smoke.events")
            .fields()
            .requiredString("id")
            .requiredLong("amount")
            .name("currency")
            .type()
            .stringType()
            .stringDefault("EUR")
            .endRecord();
    byte[] v1Bytes = serializer.serialize("orders", orderCreated());
    AvroDeserializer v2Reader =
        new AvroDeserializer(registry, SerdeConfig.builder().readerSchema(v2).build());

    GenericRecord read = (GenericRecord) v2Reader.deserialize("orders", v1Bytes);

    assertThat(read.getSchema()).isEqualTo(v2);
    assertThat(read.get("currency")).hasToString("EUR");
  }

  @Test
  void rejectsAReaderSchemaThatCannotReadTheWriter() {
    Schema needsCurrency =
        SchemaBuilder.record("OrderCreated")
            .namespace("smoke.events")
            .fields()
            .requiredString("id")
            .requiredLong("amount")
            .requiredString("currency")
            .endRecord();
    byte[] v1Bytes = serializer.serialize("orders", orderCreated());
    AvroDeserializer reader =
        new AvroDeserializer(registry, SerdeConfig.builder().readerSchema(needsCurrency).build());

    assertThatThrownBy(() -> reader.deserialize("orders", v1Bytes))
        .isInstanceOfSatisfying(
            EventDecodingException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INCOMPATIBLE_READER))
        .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE");
  }

  @Test
  void specificReaderNeedsTheGeneratedClass() {
    byte[] bytes = serializer.serialize("orders", orderCreated());

    assertThatThrownBy(() -> specific.deserialize("orders", bytes))
        .isInstanceOfSatisfying(
            EventDecodingException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INCOMPATIBLE_READER))
        .hasMessageContaining("no generated class smoke.events.OrderCreated");
  }

  @Test
  void rejectsNonAvroData() {
    assertThatThrownBy(() -> serializer.serialize("orders", "plain string"))
        .isInstanceOf(EventEncodingException.class)
        .hasMessageContaining("java.lang.String is not an Avro SpecificRecord or GenericRecord");
  }

  @Test
  void rejectsARecordThatBreaksItsOwnSchema() {
    GenericRecord incomplete = new GenericData.Record(ORDER_CREATED);
    incomplete.put("id", "order-1");

    assertThatThrownBy(() -> serializer.serialize("orders", incomplete))
        .isInstanceOf(EventEncodingException.class)
        .hasMessageContaining("smoke.events.OrderCreated for topic 'orders'")
        .hasMessageContaining("does not match its schema");
  }

  @Test
  void recordNameStrategyNamesTheSubjectAfterTheRecord() {
    AvroSerializer byRecord =
        new AvroSerializer(
            registry,
            SerdeConfig.builder()
                .valueSubjectNameStrategy(SubjectNameStrategy.RECORD_NAME)
                .build());

    byRecord.serialize("outbox.event.order", SampleEvents.orderPlaced());

    assertThat(registry.subjects()).containsExactly(OrderPlaced.getClassSchema().getFullName());
  }

  @Test
  void lookupModeFailsForAnUnregisteredSchemaWithTheRegistryError() {
    AvroSerializer lookupOnly =
        new AvroSerializer(registry, SerdeConfig.builder().autoRegisterSchemas(false).build());

    assertThatThrownBy(() -> lookupOnly.serialize("orders", orderCreated()))
        .isInstanceOfSatisfying(
            SchemaRegistryAccessException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(40401);
              assertThat(e.isRetriable()).isFalse();
            })
        .hasMessageContaining("subject 'orders-value'");
  }

  @Test
  void pinnedSchemaIdMustMatchTheRecordsSchema() {
    int id = registry.register("other", SampleEvents.orderPlaced().getSchema());
    AvroSerializer pinned =
        new AvroSerializer(
            registry, SerdeConfig.builder().autoRegisterSchemas(false).useSchemaId(id).build());

    assertThat(pinned.serialize("orders", SampleEvents.orderPlaced())).startsWith(0, 0, 0, 0, id);
    assertThatThrownBy(() -> pinned.serialize("orders", orderCreated()))
        .isInstanceOf(EventEncodingException.class)
        .hasMessageContaining("differs from use.schema.id=" + id);
  }

  @Test
  void latestVersionModeUsesTheLatestId() {
    int id = registry.register("orders-value", ORDER_CREATED);
    AvroSerializer latest =
        new AvroSerializer(
            registry,
            SerdeConfig.builder().autoRegisterSchemas(false).useLatestVersion(true).build());

    assertThat(latest.serialize("orders", orderCreated())).startsWith(0, 0, 0, 0, id);
  }

  @Test
  void unconfiguredSerdeSaysSo() {
    assertThatThrownBy(() -> new AvroSerializer().serialize("t", orderCreated()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not configured");
    assertThatThrownBy(() -> new AvroDeserializer().deserialize("t", new byte[] {0}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not configured");
  }

  @Test
  void kafkaStyleConfigureBuildsItsOwnClient() {
    try (AvroSerializer configured = new AvroSerializer()) {
      configured.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:1"), false);
      assertThatThrownBy(() -> configured.configure(Map.of(), false))
          .isInstanceOf(IllegalStateException.class);
    }
  }
}
