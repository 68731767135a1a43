package dev.relaybox.examples.orders.payments;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.devstack.peers.PaymentGatewayServer;
import dev.relaybox.examples.orders.events.ChargePayment;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import dev.relaybox.schemas.serde.AvroDeserializer;
import dev.relaybox.schemas.serde.AvroSerializer;
import dev.relaybox.schemas.serde.SerdeConfig;
import dev.relaybox.schemas.serde.SubjectNameStrategy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;

/**
 * ChargePayment commands as the relay publishes them (the order-fulfilment saga sends them), and
 * the serde the payments tests use.
 */
final class Orders {

  private Orders() {}

  /** Avro wire format, subjects by record name (the outbox's strategy). */
  @SuppressWarnings("unchecked")
  static Serializer<Object> serializer(SchemaRegistryClient registry) {
    return (Serializer<Object>)
        (Serializer<?>)
            new AvroSerializer(
                registry,
                SerdeConfig.builder()
                    .valueSubjectNameStrategy(SubjectNameStrategy.RECORD_NAME)
                    .build());
  }

  static AvroDeserializer deserializer(SchemaRegistryClient registry) {
    return new AvroDeserializer(registry, SerdeConfig.builder().specificAvroReader(true).build());
  }

  /** Charges of {@code n} orders of 10.00 EUR; every tenth customer's card is declined. */
  static List<ProducerRecord<byte[], byte[]>> charges(
      String topic, String orderPrefix, int n, Serializer<Object> serializer) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      UUID id = UUID.randomUUID();
      String orderId = orderPrefix + "-order-" + i;
      ChargePayment order =
          ChargePayment.newBuilder()
              .setEventId(id)
              .setOccurredAt(Instant.now())
              .setOrderId(orderId)
              .setRequestId(UUID.randomUUID())
              .setCustomerId((i % 10 == 0 ? PaymentGatewayServer.DECLINED_PREFIX : "c-") + i)
              .setCustomerEmail("c" + i + "@example.com")
              .setAmountMinor(1000)
              .setCurrency("EUR")
              .build();
      RecordHeaders headers = new RecordHeaders();
      headers.add(ConsumedEvent.ID_HEADER, id.toString().getBytes(StandardCharsets.UTF_8));
      headers.add(
          ConsumedEvent.EVENT_TYPE_HEADER, "ChargePayment".getBytes(StandardCharsets.UTF_8));
      records.add(
          new ProducerRecord<>(
              topic,
              null,
              orderId.getBytes(StandardCharsets.UTF_8),
              serializer.serialize(topic, order),
              headers));
    }
    return records;
  }
}
