package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.consumers.ConsumerMetrics;
import dev.relaybox.consumers.DeadLetterHeaders;
import dev.relaybox.consumers.HttpStatusException;
import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.peers.Fault;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gateway down (5xx) for 10 s, then a request it refuses for good (400). */
@ExtendWith(DevStackExtension.class)
class GatewayFailuresIT {

  @Test
  void outageIsRetriedWithoutDoubleChargeAndARefusalIsDeadLettered(DevStack stack)
      throws Exception {
    try (DemoPipeline pipeline =
        Pipelines.isolated(stack, b -> b.put("consumer.max.attempts", "60"))) {
      var gateway = stack.peers().paymentGateway();
      try {
        var services = pipeline.startServices();
        gateway.setFault(Fault.crash().lastingFor(Duration.ofSeconds(10)));
        long faultSet = System.nanoTime();
        List<UUID> orders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          orders.add(pipeline.placeOrder("c" + i, "SKU-" + pipeline.id(), 2_000));
        }
        await()
            .atMost(Pipelines.DEADLINE)
            .until(
                () ->
                    pipeline.count("SELECT count(*) FROM " + pipeline.schema() + ".payments") == 3);
        assertThat(Duration.ofNanos(System.nanoTime() - faultSet))
            .isGreaterThanOrEqualTo(Duration.ofSeconds(10));
        for (UUID order : orders) {
          assertThat(pipeline.thirdParties().charges(order)).hasSize(1).allMatch(c -> c.captured());
        }
        assertThat(counter(services, ConsumerMetrics.RETRIED, pipeline.group("payments")))
            .isGreaterThan(0);
        assertThat(counter(services, ConsumerMetrics.DEAD_LETTERED, pipeline.group("payments")))
            .isZero();

        // An order of amount 0: the gateway answers 400 to its ChargePayment, which no retry can
        // fix (its saga waits; its deadline would send the command again).
        UUID free = pipeline.placeOrder("freebie", "SKU-" + pipeline.id(), 0);
        ConsumerRecord<byte[], byte[]> dead = readOne(stack, pipeline.group("payments") + ".dlq");
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo(free.toString());
        assertThat(header(dead, DeadLetterHeaders.REASON))
            .isEqualTo(DeadLetterHeaders.REASON_PERMANENT);
        assertThat(header(dead, DeadLetterHeaders.ERROR_CLASS))
            .isEqualTo(HttpStatusException.class.getName());
        assertThat(header(dead, DeadLetterHeaders.ERROR_MESSAGE)).contains("HTTP 400");
        assertThat(header(dead, DeadLetterHeaders.ORIGINAL_TOPIC))
            .isEqualTo(pipeline.topic("payment-command"));
        assertThat(header(dead, DeadLetterHeaders.CONSUMER_GROUP))
            .isEqualTo(pipeline.group("payments"));
        assertThat(header(dead, DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
        assertThat(header(dead, "eventType")).isEqualTo("ChargePayment");
        assertThat(pipeline.thirdParties().charges(free)).isEmpty();
        assertThat(
                pipeline.count(
                    "SELECT count(*) FROM "
                        + pipeline.schema()
                        + ".payments WHERE order_id = '"
                        + free
                        + "'"))
            .isZero();
      } finally {
        gateway.clearFault();
      }
    }
  }

  static double counter(
      dev.relaybox.consumers.host.ServiceHost services, String name, String group) {
    return services.meterRegistry().find(name).tag("group", group).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  static ConsumerRecord<byte[], byte[]> readOne(DevStack stack, String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Pipelines.DEADLINE)
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return !out.isEmpty();
              });
    }
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  static String header(ConsumerRecord<?, ?> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
