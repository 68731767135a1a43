package dev.relaybox.schemas.serde;

import static dev.relaybox.schemas.Parcels.v1;
import static dev.relaybox.schemas.Parcels.v2WithDefault;
import static dev.relaybox.schemas.Parcels.weightAsString;
import static dev.relaybox.schemas.RegistryClients.fastRetrying;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import dev.relaybox.schemas.CountingProxy;
import dev.relaybox.schemas.SampleEvents;
import dev.relaybox.schemas.registry.IncompatibleSchemaException;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import dev.relaybox.schemas.samples.OrderCancelled;
import dev.relaybox.schemas.samples.PaymentCaptured;
import dev.relaybox.schemas.serde.EventDecodingException.Reason;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Serializer and deserializer against the real dev registry over HTTP; own topics per test. */
@ExtendWith(DevStackExtension.class)
@IsolatedDevStack(postgres = false, kafka = false)
class AvroSerdeIT {

  private static DevStack.SchemaRegistry registry;

  private final String topic = "it-" + UUID.randomUUID();

  @BeforeAll
  static void registry(DevStack stack) {
    registry = stack.schemaRegistry();
  }

  @Test
  void roundTripsEveryContractLikeTheOutboxWritesThem() {
    SchemaRegistryClient client = fastRetrying(registry.url());
    // The outbox's configuration (docs/architecture.md): RecordNameStrategy for values.
    AvroSerializer outbox =
        new AvroSerializer(
            client,
            SerdeConfig.builder()
                .valueSubjectNameStrategy(SubjectNameStrategy.RECORD_NAME)
                .build());
    AvroDeserializer consumer = new AvroDeserializer();
    consumer.configure(
        Map.of(
            SerdeConfig.SCHEMA_REGISTRY_URL,
            registry.url(),
            SerdeConfig.SPECIFIC_AVRO_READER,
            "true"),
        false);
    AvroDeserializer generic =
        new AvroDeserializer(fastRetrying(registry.url()), SerdeConfig.defaults());

    for (SpecificRecord event : SampleEvents.all()) {
      byte[] bytes = outbox.serialize(topic, event);

      assertThat(consumer.deserialize(topic, bytes)).isEqualTo(event);
      assertThat(((GenericRecord) generic.deserialize(topic, bytes)).getSchema())
          .isEqualTo(event.getSchema());
      String subject = event.getSchema().getFullName();
      assertThat(client.lookup(subject, event.getSchema(), false).id())
          .isEqualTo(ByteBuffer.wrap(bytes, 1, 4).getInt());
    }
  }

  @Test
  void kafkaConfiguredSerializerUsesTopicNameStrategyByDefault() {
    try (AvroSerializer serializer = new AvroSerializer()) {
      serializer.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
      serializer.serialize(topic, SampleEvents.orderPlaced());
    }

    assertThat(fastRetrying(registry.url()).versions(topic + "-value")).containsExactly(1);
  }

  private static GenericRecord parcel(Schema schema) {
    GenericRecord record = new GenericData.Record(schema);
    record.put("id", "parcel-1");
    record.put("weightGrams", 1200L);
    if (schema.getField("carrier") != null) {
      record.put("carrier", "UPS");
    }
    return record;
  }

  @Test
  void evolvesBothWaysWithTwoRegisteredVersions() {
    SchemaRegistryClient client = fastRetrying(registry.url());
    AvroSerializer serializer = new AvroSerializer(client, SerdeConfig.defaults());
    byte[] writtenV1 = serializer.serialize(topic, parcel(v1()));
    byte[] writtenV2 = serializer.serialize(topic, parcel(v2WithDefault()));
    assertThat(client.versions(topic + "-value")).containsExactly(1, 2);

    AvroDeserializer newReader =
        new AvroDeserializer(client, SerdeConfig.builder().readerSchema(v2WithDefault()).build());
    GenericRecord oldData = (GenericRecord) newReader.deserialize(topic, writtenV1);
    assertThat(oldData.get("carrier")).hasToString("DHL"); // the default fills the gap

    AvroDeserializer oldReader =
        new AvroDeserializer(client, SerdeConfig.builder().readerSchema(v1()).build());
    GenericRecord newData = (GenericRecord) oldReader.deserialize(topic, writtenV2);
    assertThat(newData.getSchema()).isEqualTo(v1());
    assertThat(newData.get("weightGrams")).isEqualTo(1200L);

    AvroDeserializer writerSchemaReader = new AvroDeserializer(client, SerdeConfig.defaults());
    assertThat(((GenericRecord) writerSchemaReader.deserialize(topic, writtenV2)).get("carrier"))
        .hasToString("UPS");
  }

  @Test
  void specificReaderReadsANewerWriterVersionOfAContract() {
    Schema current = OrderCancelled.getClassSchema();
    Schema next =
        SchemaBuilder.record(current.getName())
            .namespace(current.getNamespace())
            .fields()
            .name("eventId")
            .type(current.getField("eventId").schema())
            .noDefault()
            .name("occurredAt")
            .type(current.getField("occurredAt").schema())
            .noDefault()
            .requiredString("orderId")
            .requiredString("customerEmail")
            .requiredString("reason")
            .name("refundId")
            .type()
            .stringType()
            .stringDefault("")
            .endRecord();
    GenericRecord written = new GenericData.Record(next);
    written.put("eventId", "7f1d2c3b-0000-4000-8000-000000000009");
    written.put("occurredAt", SampleEvents.AT.toEpochMilli());
    written.put("orderId", "order-9");
    written.put("customerEmail", "ada@example.com");
    written.put("reason", "OUT_OF_STOCK");
    written.put("refundId", "refund-9");
    SchemaRegistryClient client = fastRetrying(registry.url());
    byte[] bytes = new AvroSerializer(client, SerdeConfig.defaults()).serialize(topic, written);

    Object read =
        new AvroDeserializer(client, SerdeConfig.builder().specificAvroReader(true).build())
            .deserialize(topic, bytes);

    assertThat(read).isInstanceOf(OrderCancelled.class);
    assertThat(((OrderCancelled) read).getOrderId()).isEqualTo("order-9");
    assertThat(((OrderCancelled) read).getOccurredAt()).isEqualTo(SampleEvents.AT);
  }

  @Test
  void currentContractReadsDataWrittenWithItsReleasedV1() throws java.io.IOException {
    Schema v1;
    try (var in = AvroSerdeIT.class.getResourceAsStream("/samples/PaymentCaptured-v1.avsc")) {
      v1 = new Schema.Parser().parse(in); // the sample contract's first version, as released
    }
    GenericRecord written = new GenericData.Record(v1);
    written.put("eventId", "7f1d2c3b-0000-4000-8000-000000000003");
    written.put("occurredAt", SampleEvents.AT.toEpochMilli());
    written.put("orderId", "order-3");
    written.put("paymentId", "pay-3");
    written.put("customerEmail", "ada@example.com");
    written.put("amountMinor", 999L);
    written.put("currency", "EUR");
    SchemaRegistryClient client = fastRetrying(registry.url());
    AvroSerializer serializer =
        new AvroSerializer(
            client,
            SerdeConfig.builder()
                .valueSubjectNameStrategy(SubjectNameStrategy.TOPIC_RECORD_NAME)
                .build());
    byte[] v1Bytes = serializer.serialize(topic, written);
    byte[] v2Bytes = serializer.serialize(topic, SampleEvents.all().get(1));

    PaymentCaptured read =
        (PaymentCaptured)
            new AvroDeserializer(client, SerdeConfig.builder().specificAvroReader(true).build())
                .deserialize(topic, v1Bytes);

    assertThat(read.getPaymentId()).isEqualTo("pay-3");
    assertThat(read.getQuantities()).isEmpty(); // v2's default
    assertThat(client.versions(topic + "-" + v1.getFullName())).containsExactly(1, 2);
    assertThat(v2Bytes).isNotEqualTo(v1Bytes);
  }

  @Test
  void incompatibleSchemaIsRejectedWith409() {
    SchemaRegistryClient client = fastRetrying(registry.url());
    AvroSerializer serializer = new AvroSerializer(client, SerdeConfig.defaults());
    serializer.serialize(topic, parcel(v1()));
    GenericRecord bad = new GenericData.Record(weightAsString());
    bad.put("id", "parcel-2");
    bad.put("weightGrams", "heavy");

    assertThatThrownBy(() -> serializer.serialize(topic, bad))
        .isInstanceOfSatisfying(
            SchemaRegistryAccessException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(409);
              assertThat(e.registryError()).isInstanceOf(IncompatibleSchemaException.class);
              assertThat(e.registryError().httpStatus()).isEqualTo(409);
              assertThat(e.isRetriable()).isFalse();
            })
        .hasMessageContaining("topic '" + topic + "' under subject '" + topic + "-value'");
  }

  @Test
  void unknownSchemaIdIsADecodingError() {
    byte[] bytes = {0, 0x7f, 0, 0, 1, 2, 'x'};

    assertThatThrownBy(
            () ->
                new AvroDeserializer(fastRetrying(registry.url()), SerdeConfig.defaults())
                    .deserialize(topic, 3, 42L, bytes))
        .isInstanceOfSatisfying(
            EventDecodingException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
              assertThat(e.schemaId()).isEqualTo(0x7f000001);
              assertThat(e.getCause()).hasMessageContaining("error_code 40403");
            })
        .hasMessageContaining("value of topic '" + topic + "' partition 3 offset 42")
        .hasMessageContaining("schema id 2130706433 is not in the registry");
  }

  @Test
  void cacheHitsAvoidSecondHttpCalls() {
    try (CountingProxy proxy = new CountingProxy(registry.url())) {
      AvroSerializer serializer =
          new AvroSerializer(fastRetrying(proxy.url()), SerdeConfig.defaults());
      byte[] first = serializer.serialize(topic, SampleEvents.orderPlaced());
      serializer.serialize(topic, SampleEvents.orderPlaced());
      AvroDeserializer deserializer =
          new AvroDeserializer(fastRetrying(proxy.url()), SerdeConfig.defaults());
      deserializer.deserialize(topic, first);
      deserializer.deserialize(topic, first);

      int id = ByteBuffer.wrap(first, 1, 4).getInt();
      assertThat(proxy.requests())
          .containsExactly("POST /subjects/" + topic + "-value/versions", "GET /schemas/ids/" + id);
    }
  }
}
