package dev.relaybox.examples.orders.payments;

import static dev.relaybox.consumers.TestSupport.count;
import static dev.relaybox.consumers.TestSupport.queryLong;
import static dev.relaybox.consumers.TestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.ConsumerMetrics;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.TestSupport;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.peers.Fault;
import dev.relaybox.devstack.peers.PaymentGatewayServer;
import dev.relaybox.outbox.CleanupMode;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ChargePayment → one charge per order at the real fake gateway, even while it crashes. */
@ExtendWith(DevStackExtension.class)
class PaymentsIT {

  @Test
  void chargesEachOrderOnceAndPublishesTheOutcome(DevStack stack) throws Exception {
    int n = 200;
    String group = unique("payments");
    String schema = group;
    String topic = "it." + group + ".order";
    stack.kafka().createTopic(topic, 3);
    PaymentGatewayServer gateway = stack.peers().paymentGateway();
    SchemaRegistryClient registry =
        SchemaRegistryClient.builder().urls(stack.schemaRegistry().url()).build();
    Serializer<Object> serializer = Orders.serializer(registry);
    var deserializer = Orders.deserializer(registry);
    try (HikariDataSource ds = TestSupport.pool(stack, 4);
        Outbox outbox =
            Outbox.builder()
                .table(group + "_outbox")
                .serializer(serializer)
                .cleanupMode(CleanupMode.RETAIN)
                .build()) {
      outbox.migrate(ds);
      PaymentsHandler payments =
          PaymentsHandler.create(gateway.url(), outbox, schema, Duration.ofSeconds(5));
      payments.migrate(ds);

      List<ProducerRecord<byte[], byte[]>> records = Orders.charges(topic, group, n, serializer);
      TestSupport.sendAll(stack, records);

      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      String paymentsCount = "SELECT count(*) FROM " + schema + ".payments";
      try (ConsumerRunner runner =
          ConsumerRunner.builder()
              .bootstrapServers(stack.kafka().bootstrapServers())
              .groupId(group)
              .topics(topic)
              .dataSource(ds)
              .deserializer(deserializer)
              .processedKeysSchema(schema)
              .handler(payments)
              .maxInFlight(16)
              .maxAttempts(20)
              .initialBackoff(Duration.ofMillis(20))
              .maxBackoff(Duration.ofMillis(200))
              .consumerProperty("max.poll.records", "20")
              .meterRegistry(metrics)
              .build()
              .start()) {
        await().atMost(Duration.ofSeconds(60)).until(() -> queryLong(ds, paymentsCount) >= 20);
        // The gateway now fails 30 % of the calls with a 500, applying nothing, for 3 s.
        gateway.setFault(Fault.crash().withFailRate(0.3).lastingFor(Duration.ofSeconds(3)));
        await().atMost(Duration.ofSeconds(90)).until(() -> queryLong(ds, paymentsCount) >= n);
        assertThat(count(metrics, ConsumerMetrics.RETRIED)).isPositive();
      } finally {
        gateway.clearFault();
      }

      List<PaymentGatewayServer.Charge> ours =
          gateway.charges().stream().filter(c -> c.orderId().startsWith(group)).toList();
      assertThat(ours).hasSize(n);
      assertThat(
              ours.stream().map(PaymentGatewayServer.Charge::orderId).collect(Collectors.toSet()))
          .hasSize(n);
      assertThat(ours.stream().filter(PaymentGatewayServer.Charge::captured)).hasSize(n - n / 10);
      assertThat(queryLong(ds, paymentsCount)).isEqualTo(n);
      assertThat(queryLong(ds, paymentsCount + " WHERE status = 'declined'")).isEqualTo(n / 10);
      String outboxTable = "public." + group + "_outbox";
      assertThat(
              queryLong(
                  ds, "SELECT count(*) FROM " + outboxTable + " WHERE type = 'PaymentCaptured'"))
          .isEqualTo(n - n / 10);
      assertThat(
              queryLong(
                  ds, "SELECT count(*) FROM " + outboxTable + " WHERE type = 'PaymentDeclined'"))
          .isEqualTo(n / 10);
      assertThat(queryLong(ds, "SELECT count(DISTINCT aggregateid) FROM " + outboxTable))
          .isEqualTo(n);
    } finally {
      deserializer.close();
    }
  }
}
