package dev.relaybox.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole stack, end to end, including restarts of the broker and of Postgres. */
@IsolatedDevStack
@ExtendWith(DevStackExtension.class)
class DevStackIT {

  @Test
  void postgresHasLogicalReplicationAndTheSlotSeesCommittedWrites(DevStack stack) throws Exception {
    String slot = "devstack_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    DataSource dataSource = stack.postgres().dataSource();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      assertThat(single(s, "SHOW wal_level")).isEqualTo("logical");
      assertThat(single(s, "SHOW fsync")).isEqualTo("on");
      assertThat(single(s, "SHOW synchronous_commit")).isEqualTo("on");
      s.execute("CREATE TABLE devstack_it (id int primary key, note text)");
      try (LogicalSlot walReader = LogicalSlot.create(dataSource, slot)) {
        s.execute("INSERT INTO devstack_it VALUES (1, 'hello wal')");
        assertThat(walReader.consumeChanges())
            .anySatisfy(
                change -> {
                  assertThat(change.table()).isEqualTo("public.devstack_it");
                  assertThat(change.operation()).isEqualTo("INSERT");
                  assertThat(change.column("note")).isEqualTo("hello wal");
                });
      }
    }
  }

  @Test
  void kafkaRecordSurvivesABrokerRestart(DevStack stack) throws Exception {
    String topic = "devstack-it-" + UUID.randomUUID();
    stack.kafka().createTopic(topic, 1);
    RecordMetadata sent;
    try (KafkaProducer<String, String> producer = producer(stack)) {
      sent = producer.send(new ProducerRecord<>(topic, "order-1", "placed")).get();
    }
    assertThat(readAll(stack, topic, 1)).containsExactly("order-1=placed");

    stack.kafka().stop();
    assertThat(stack.kafka().isRunning()).isFalse();
    stack.kafka().start();

    assertThat(sent.offset()).isZero();
    assertThat(readAll(stack, topic, 1)).containsExactly("order-1=placed");
  }

  @Test
  void postgresKeepsCommittedDataThroughARestartAndACrash(DevStack stack) throws Exception {
    try (Connection c = stack.postgres().dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE restart_it (id int primary key)");
      s.execute("INSERT INTO restart_it VALUES (1)");
    }
    int port = stack.postgres().port();
    stack.postgres().stop();
    assertThatThrownBy(() -> stack.postgres().dataSource().getConnection().close())
        .hasMessageContaining("Connection");
    stack.postgres().start();
    try (Connection c = stack.postgres().dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO restart_it VALUES (2)");
    }
    stack.postgres().crash();
    stack.postgres().start();
    assertThat(stack.postgres().port()).isEqualTo(port);
    try (Connection c = stack.postgres().dataSource().getConnection();
        Statement s = c.createStatement()) {
      assertThat(single(s, "SELECT count(*) FROM restart_it")).isEqualTo("2");
    }
  }

  @Test
  void schemaRegistryKeepsSchemasThroughARestart(DevStack stack) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String subject = "devstack-it-" + UUID.randomUUID() + "-value";
    HttpResponse<String> registered =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(stack.schemaRegistry().url() + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"\\\"string\\\"\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);

    stack.schemaRegistry().stop();
    stack.schemaRegistry().start();

    HttpResponse<String> latest =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        stack.schemaRegistry().url() + "/subjects/" + subject + "/versions/latest"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(latest.statusCode()).isEqualTo(200);
    assertThat(latest.body())
        .contains("\"version\":1")
        .contains(registered.body().replace("{", "").replace("}", ""));
  }

  @Test
  void reportsEndpointsOnLoopbackAndItsStartupTime(DevStack stack) {
    assertThat(stack.mode()).isEqualTo(StackMode.EMBEDDED);
    assertThat(stack.postgres().jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:");
    assertThat(stack.kafka().bootstrapServers()).startsWith("127.0.0.1:");
    assertThat(stack.schemaRegistry().url()).startsWith("http://127.0.0.1:");
    assertThat(stack.peers().paymentGateway().url()).startsWith("http://127.0.0.1:");
    assertThat(stack.peers().fulfillment().url()).startsWith("http://127.0.0.1:");
    assertThat(stack.peers().mail().smtpPort()).isPositive();
    assertThat(stack.startupTime()).isPositive().isLessThan(Duration.ofMinutes(2));
  }

  private static KafkaProducer<String, String> producer(DevStack stack) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.kafka().bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true),
        new StringSerializer(),
        new StringSerializer());
  }

  /** Reads the topic from the beginning with a fresh group until {@code expected} records. */
  private static List<String> readAll(DevStack stack, String topic, int expected) {
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "devstack-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (seen.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(r.key() + "=" + new String(r.value().getBytes(), StandardCharsets.UTF_8));
        }
      }
    }
    return seen;
  }

  private static String single(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
