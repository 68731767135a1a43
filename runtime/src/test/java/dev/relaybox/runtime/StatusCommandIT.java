package dev.relaybox.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.LogicalSlot;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DevStackExtension.class)
class StatusCommandIT {
  private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final String topic = "outbox.event.status" + id;
  private final String dlq = "status" + id + ".dlq";
  private final String group = "status-" + id;
  private final String slot = "status_" + id;

  @Test
  void reportsSlotLagTopicSizesGroupLagAndDeadLetters(DevStack stack) throws Exception {
    stack.kafka().createTopic(topic, 2);
    stack.kafka().createTopic(dlq, 1);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      for (int i = 0; i < 6; i++) {
        producer.send(new ProducerRecord<>(topic, i % 2, "k" + i, "v" + i)).get();
      }
      producer.send(new ProducerRecord<>(dlq, "k", "poison")).get();
      producer.send(new ProducerRecord<>(dlq, "k", "poison again")).get();
    }
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                group),
            new StringDeserializer(),
            new StringDeserializer())) {
      // two of six records done: lag 4
      consumer.commitSync(
          Map.of(
              new TopicPartition(topic, 0), new OffsetAndMetadata(1),
              new TopicPartition(topic, 1), new OffsetAndMetadata(1)));
    }
    try (LogicalSlot lagging = LogicalSlot.create(stack.postgres().dataSource(), slot)) {
      try (Connection c = stack.postgres().dataSource().getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE status_" + id + " (v text)");
        s.execute(
            "INSERT INTO status_" + id + " SELECT repeat('x', 1000) FROM generate_series(1, 100)");
      }
      String json = run(stack, "--json");
      JsonNode report = new ObjectMapper().readTree(json);
      assertThat(report.at("/slot/name").asText()).isEqualTo(lagging.name());
      assertThat(report.at("/slot/exists").asBoolean()).isTrue();
      assertThat(report.at("/slot/active").asBoolean()).isFalse();
      assertThat(report.at("/slot/lagBytes").asLong()).isGreaterThan(100_000);
      assertThat(report.at("/slot/walStatus").asText()).isEqualTo("reserved");
      assertThat(report.at("/slot/maxWalKeepSizeBytes").asLong()).isEqualTo(-1);
      assertThat(report.at("/slot/walAlertPercent").asInt()).isEqualTo(80);
      assertThat(report.at("/slot/walAlert").asBoolean()).isFalse();
      assertThat(report.at("/slot/invalidated").asBoolean()).isFalse();
      assertThat(report.at("/topics/0/name").asText()).isEqualTo(topic);
      assertThat(report.at("/topics/0/records").asLong()).isEqualTo(6);
      assertThat(report.at("/groups/0/group").asText()).isEqualTo(group);
      assertThat(report.at("/groups/0/lag").asLong()).isEqualTo(4);
      assertThat(report.at("/deadLetters/0/name").asText()).isEqualTo(dlq);
      assertThat(report.at("/deadLetters/0/records").asLong()).isEqualTo(2);

      String text = run(stack);
      assertThat(text)
          .contains(slot + ": INACTIVE (relay down?)")
          .contains("WAL: wal_status reserved, max_slot_wal_keep_size unbounded (-1)")
          .contains("ALTER SYSTEM SET max_slot_wal_keep_size")
          .containsPattern(topic + " +2 +6")
          .containsPattern(group + " +\\S+ +0 +" + topic.replace(".", "\\.") + " +4")
          .containsPattern(dlq.replace(".", "\\.") + " +2 record");
    }
  }

  @Test
  void aShardedRelaysSlotsAreShownWithItsName(DevStack stack) throws Exception {
    stack.kafka().createTopic(topic, 1);
    stack.kafka().createTopic(dlq, 1);
    var db = stack.postgres().dataSource();
    try (LogicalSlot one = LogicalSlot.create(db, slot + "_shard_1_of_2");
        LogicalSlot zero = LogicalSlot.create(db, slot + "_shard_0_of_2");
        LogicalSlot unrelated = LogicalSlot.create(db, slot + "_shardless")) {
      JsonNode report = new ObjectMapper().readTree(run(stack, "--json"));
      assertThat(report.at("/slot/exists").asBoolean()).isFalse();
      assertThat(report.at("/shardSlots").findValuesAsText("name"))
          .containsExactly(zero.name(), one.name());
      assertThat(report.at("/shardSlots/0/exists").asBoolean()).isTrue();

      assertThat(run(stack))
          .contains(slot + ": not used, the relay is sharded (2 slots)")
          .contains(zero.name() + ": INACTIVE (relay down?)")
          .contains(one.name() + ": INACTIVE (relay down?)")
          .doesNotContain(unrelated.name());
    }
  }

  @Test
  void anUnreachableDatabaseIsReportedAsUnavailable(DevStack stack) {
    CliRun run =
        CliRun.of(
            "status",
            "--bootstrap-servers",
            stack.kafka().bootstrapServers(),
            "--jdbc-url",
            "jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=2");
    assertThat(run.exit()).isEqualTo(RelayboxCli.EXIT_UNAVAILABLE);
    assertThat(run.err()).contains("cannot read the pipeline's state");
  }

  private String run(DevStack stack, String... extra) {
    List<String> options =
        new ArrayList<>(
            List.of(
                "--bootstrap-servers",
                stack.kafka().bootstrapServers(),
                "--slot",
                slot,
                "--topics",
                topic.replace(".", "\\."),
                "--dead-letter-topics",
                dlq.replace(".", "\\.")));
    options.addAll(List.of(extra));
    CliRun run = CliRun.withPostgres(stack, "status", options.toArray(String[]::new));
    assertThat(run.exit()).as(run.err()).isZero();
    return run.out();
  }
}
