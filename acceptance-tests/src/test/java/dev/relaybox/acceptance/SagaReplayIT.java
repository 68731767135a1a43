package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.consumers.ConsumerMetrics;
import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every event, command and reply delivered a second time (each group's offsets reset to the
 * beginning, as {@code relaybox replay} does): no saga moves twice, one charge, one reservation,
 * one shipment, one email per order, counted at the peers.
 */
@ExtendWith(DevStackExtension.class)
class SagaReplayIT {

  @Test
  void replayedOffsetsChangeNothingAtTheThirdParties(DevStack stack) throws Exception {
    try (DemoPipeline pipeline = Pipelines.isolated(stack, b -> {})) {
      pipeline.startServices();
      int n = 10;
      List<UUID> orders = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        orders.add(pipeline.placeOrder("c" + i, "SKU-" + pipeline.id(), 990));
      }
      await().atMost(Pipelines.DEADLINE).until(() -> Pipelines.shippedAndEmailed(pipeline, n));
      pipeline.stopServices();

      Map<String, List<String>> topicsOfGroup =
          Map.of(
              pipeline.group("orders"),
              List.of(
                  pipeline.topic("order"),
                  pipeline.topic("payment"),
                  pipeline.topic("fulfillment")),
              pipeline.group("payments"),
              List.of(pipeline.topic("payment-command")),
              pipeline.group("email"),
              List.of(pipeline.topic("email-command")),
              pipeline.group("fulfillment"),
              List.of(pipeline.topic("warehouse-command")));
      long redelivered = 0;
      Properties props = new Properties();
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
      try (Admin admin = Admin.create(props)) {
        for (var entry : topicsOfGroup.entrySet()) {
          Map<TopicPartition, OffsetAndMetadata> zero = new HashMap<>();
          for (String topic : entry.getValue()) {
            for (int p = 0; p < 3; p++) {
              zero.put(new TopicPartition(topic, p), new OffsetAndMetadata(0));
            }
          }
          admin.alterConsumerGroupOffsets(entry.getKey(), zero).all().get();
          redelivered += records(stack, zero.keySet());
        }
      }
      var services = pipeline.startServices();
      long expected = redelivered;
      await()
          .atMost(Pipelines.DEADLINE)
          .until(
              () ->
                  services.meterRegistry().find(ConsumerMetrics.DUPLICATES).counters().stream()
                          .mapToDouble(c -> c.count())
                          .sum()
                      == expected);
      // Per order: OrderPlaced, 3 commands, 3 replies, 1 email command.
      assertThat(expected).isGreaterThanOrEqualTo(8L * n);
      for (UUID order : orders) {
        assertThat(pipeline.thirdParties().charges(order)).hasSize(1);
        assertThat(pipeline.thirdParties().emails(order)).hasSize(1);
        assertThat(pipeline.thirdParties().shipments(order)).isEqualTo(1);
        assertThat(pipeline.thirdParties().stockHeld(order)).isEqualTo(1);
      }
      assertThat(stack.peers().fulfillment().reservations())
          .filteredOn(r -> orders.stream().anyMatch(o -> o.toString().equals(r.orderId())))
          .hasSize(n);
      assertThat(
              services.meterRegistry().find(ConsumerMetrics.PROCESSED).counters().stream()
                  .mapToDouble(c -> c.count())
                  .sum())
          .isZero();
    }
  }

  /** Records on {@code partitions}, read_committed (the relay's transaction markers are not). */
  private static long records(DevStack stack, java.util.Set<TopicPartition> partitions) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> all = new ArrayList<>(partitions);
      consumer.assign(all);
      consumer.seekToBeginning(all);
      Map<TopicPartition, Long> end = consumer.endOffsets(all);
      long count = 0;
      while (all.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        count += consumer.poll(Duration.ofMillis(200)).count();
      }
      return count;
    }
  }
}
