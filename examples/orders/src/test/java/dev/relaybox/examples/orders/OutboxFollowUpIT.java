package dev.relaybox.examples.orders;

import static dev.relaybox.consumers.TestSupport.count;
import static dev.relaybox.consumers.TestSupport.event;
import static dev.relaybox.consumers.TestSupport.queryLong;
import static dev.relaybox.consumers.TestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.ConsumerMetrics;
import dev.relaybox.consumers.EventHandler;
import dev.relaybox.consumers.PermanentEventException;
import dev.relaybox.consumers.TestSupport;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.examples.orders.events.PaymentCaptured;
import dev.relaybox.outbox.CleanupMode;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A handler publishes a follow-up event through the outbox in the framework's transaction. */
@ExtendWith(DevStackExtension.class)
class OutboxFollowUpIT {

  /** Confluent wire format with a fixed schema id: the outbox only stores the bytes. */
  private static final Serializer<Object> WIRE_FORMAT =
      (topic, data) -> {
        SpecificRecord record = (SpecificRecord) data;
        try {
          var out = new ByteArrayOutputStream();
          out.write(0);
          out.write(ByteBuffer.allocate(4).putInt(1).array());
          var encoder = EncoderFactory.get().directBinaryEncoder(out, null);
          new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
          return out.toByteArray();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      };

  @Test
  void followUpEventsCommitWithTheEffectAndRollBackWithAFailedEvent(DevStack stack)
      throws Exception {
    String group = unique("fu");
    String topic = "it." + group;
    stack.kafka().createTopic(topic, 2);
    stack.kafka().createTopic(group + ".dlq", 1);
    try (HikariDataSource ds = TestSupport.pool(stack, 4);
        Outbox outbox =
            Outbox.builder()
                .table(group + "_outbox")
                .serializer(WIRE_FORMAT)
                .cleanupMode(CleanupMode.RETAIN)
                .build()) {
      outbox.migrate(ds);
      int n = 50;
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        records.add(event(topic, UUID.randomUUID(), "order-" + i, i == 7 ? "declined" : "paid"));
      }
      TestSupport.sendAll(stack, records);
      EventHandler handler =
          (event, tx) -> {
            outbox.publish(
                tx,
                OutboxEvent.of(
                    "payment",
                    event.key(),
                    PaymentCaptured.newBuilder()
                        .setEventId(UUID.randomUUID())
                        .setOccurredAt(Instant.now())
                        .setOrderId(event.key())
                        .setPaymentId("pay-" + event.eventId())
                        .setCustomerEmail("c@example.com")
                        .setAmountMinor(1000)
                        .setCurrency("EUR")
                        .build()));
            if ("declined".equals(event.value())) {
              // The outbox row written above must vanish with this event.
              throw new PermanentEventException("card declined for " + event.key());
            }
          };
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      TestSupport.runUntil(
          TestSupport.runner(stack, ds, group, topic).handler(handler).meterRegistry(registry),
          () ->
              count(registry, ConsumerMetrics.PROCESSED) == n - 1
                  && count(registry, ConsumerMetrics.DEAD_LETTERED) == 1);
      String table = "public." + group + "_outbox";
      assertThat(queryLong(ds, "SELECT count(*) FROM " + table)).isEqualTo(n - 1);
      assertThat(queryLong(ds, "SELECT count(DISTINCT aggregateid) FROM " + table))
          .isEqualTo(n - 1);
      assertThat(queryLong(ds, "SELECT count(*) FROM " + table + " WHERE aggregateid = 'order-7'"))
          .isZero();
      assertThat(
              queryLong(
                  ds,
                  "SELECT count(*) FROM "
                      + table
                      + " WHERE type = 'PaymentCaptured'"
                      + " AND aggregatetype = 'payment'"))
          .isEqualTo(n - 1);
    }
  }
}
