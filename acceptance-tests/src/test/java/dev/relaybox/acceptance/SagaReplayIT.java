package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.consumers.ConsumerMetrics;
import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every event delivered a second time (each group's offsets reset to the beginning, as {@code
 * relaybox replay} does): one charge, one email, one shipment per order, counted at the peers.
 */
@ExtendWith(DevStackExtension.class)
class ReplayIT {

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
              pipeline.group("payments"),
              List.of(pipeline.topic("order"), pipeline.topic("fulfillment")),
              pipeline.group("email"),
              List.of(pipeline.topic("payment"), pipeline.topic("order")),
              pipeline.group("fulfillment"),
              List.of(pipeline.topic("order"), pipeline.topic("payment")));
      long redelivered = 0;
      Properties props = new Properties();
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
      try (Admin admin = Admin.create(props)) {
        for (var entry : topicsOfGroup.entrySet()) {
          Map<TopicPartition, OffsetAndMetadata> zero = new HashMap<>();
          Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
          for (String topic : entry.getValue()) {
            for (int p = 0; p < 3; p++) {
              zero.put(new TopicPartition(topic, p), new OffsetAndMetadata(0));
              latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
          }
          admin.alterConsumerGroupOffsets(entry.getKey(), zero).all().get();
          for (var end : admin.listOffsets(latest).all().get().values()) {
            redelivered += end.offset();
          }
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
      assertThat(expected).isGreaterThanOrEqualTo(5L * n);
      for (UUID order : orders) {
        assertThat(pipeline.thirdParties().charges(order)).hasSize(1);
        assertThat(pipeline.thirdParties().emails(order)).hasSize(1);
        assertThat(pipeline.thirdParties().shipments(order)).isEqualTo(1);
      }
      assertThat(
              services.meterRegistry().find(ConsumerMetrics.PROCESSED).counters().stream()
                  .mapToDouble(c -> c.count())
                  .sum())
          .isZero();
    }
  }
}
