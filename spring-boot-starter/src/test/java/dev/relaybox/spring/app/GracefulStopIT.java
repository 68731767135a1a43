package dev.relaybox.spring.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.spring.RelayboxConsumers;
import dev.relaybox.spring.testing.StackRelay;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Closing the application context stops the listeners gracefully: a handler call in flight finishes
 * and commits, its offset is committed, and the member leaves its group.
 */
@ExtendWith(DevStackExtension.class)
class GracefulStopIT {

  private static final String ID = "gs" + Long.toString(System.nanoTime(), 36);

  @Test
  void closingTheContextFinishesTheCallInFlightCommitsAndLeavesTheGroup(DevStack stack)
      throws Exception {
    String topic = StackRelay.topic(ID, "order");
    stack.kafka().createTopic(topic, 1);
    String stalled = ID + "-stalled";
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(TestApplication.class).properties(properties(stack)).run();
    CompletableFuture<Void> closed;
    try (StackRelay relay = StackRelay.start(stack, ID)) {
      LabelPrinter labels = context.getBean(LabelPrinter.class);
      context.getBean(OrderDesk.class).place(stalled, "stall", false);
      await("the handler is stuck on the order")
          .atMost(Duration.ofSeconds(60))
          .until(() -> labels.calls(stalled) == 1);

      closed = CompletableFuture.runAsync(context::close);
      // The context waits for the call in flight instead of abandoning it.
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(5))
          .until(() -> !closed.isDone());
      assertThat(context.getBean(RelayboxConsumers.class).isRunning()).isTrue();
      labels.release();
      closed.get(60, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      context.close();
    }

    JdbcTemplate jdbc = new JdbcTemplate(stack.postgres().dataSource());
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM test_labels WHERE order_id = ?", Long.class, stalled))
        .isEqualTo(1);
    String group = ID + "-labels";
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()))) {
      TopicPartition partition = new TopicPartition(topic, 0);
      long end = lastRecordOffset(stack, partition) + 1;
      OffsetAndMetadata committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get()
              .get(partition);
      ConsumerGroupDescription description =
          admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
      assertThat(committed).isNotNull();
      // The relay publishes in transactions: a commit marker may follow the last record.
      assertThat(committed.offset()).isGreaterThanOrEqualTo(end);
      assertThat(description.members()).isEmpty();
      assertThat(description.groupState()).isEqualTo(GroupState.EMPTY);
    }
  }

  /** The offset of the partition's last record (transaction markers are not records). */
  private static long lastRecordOffset(DevStack stack, TopicPartition partition) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafka().bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      long last = -1;
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          last = r.offset();
        }
      }
      return last;
    }
  }

  private static Map<String, Object> properties(DevStack stack) {
    Map<String, Object> properties =
        new java.util.LinkedHashMap<>(StackRelay.properties(stack, ID));
    properties.put("test.id", ID);
    return properties;
  }
}
