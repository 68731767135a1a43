package dev.relaybox.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.ConsumerMetrics;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.DeadEvent;
import dev.relaybox.consumers.DeadLetterHeaders;
import dev.relaybox.consumers.DeadSet;
import dev.relaybox.consumers.PermanentEventException;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.Sql;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole recovery path with the real consumer runner: a handler fails permanently for one event,
 * the runner moves it to the dead set (a copy goes to the dead-letter topic) and holds its key's
 * next event back; the bug is "fixed", {@code relaybox dlq redrive} runs it again, and both effects
 * apply exactly once, in order. A second redrive is refused and changes nothing.
 */
@ExtendWith(DevStackExtension.class)
class DlqRedriveEndToEndIT {
  private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final String topic = "outbox.event.e2e" + id;
  private final String group = "e2e" + id;
  private final String dlq = group + ".dlq";
  private final String effects = "e2e_" + id + "_effects";
  private final String keys = "e2e_" + id + "_keys";
  private DataSource dataSource;

  @AfterEach
  void dropTables() throws SQLException {
    if (dataSource != null) {
      Sql.execute(dataSource, "DROP TABLE IF EXISTS " + effects);
    }
  }

  @Test
  void aFixedPoisonEventIsRedrivenAndAppliedExactlyOnceInItsKeysOrder(DevStack stack)
      throws Exception {
    dataSource = stack.postgres().dataSource();
    stack.kafka().createTopic(topic, 1);
    stack.kafka().createTopic(dlq, 1);
    // No unique constraint: a double effect would show as a second row.
    Sql.execute(
        dataSource, "CREATE TABLE " + effects + " (seq bigserial, event_id uuid, body text)");
    UUID poison = UUID.randomUUID();
    AtomicBoolean fixed = new AtomicBoolean();
    MeterRegistry metrics = new SimpleMeterRegistry();
    Deserializer<Object> text = (t, data) -> new String(data, UTF_8);

    try (ConsumerRunner runner =
        ConsumerRunner.builder()
            .bootstrapServers(stack.kafka().bootstrapServers())
            .groupId(group)
            .topics(topic)
            .dataSource(dataSource)
            .processedKeysTable(keys)
            .deserializer(text)
            .deadLetterTopic(dlq)
            .maxAttempts(1)
            .meterRegistry(metrics)
            .handler(
                (event, tx) -> {
                  String body = (String) event.value();
                  if (body.equals("poison") && !fixed.get()) {
                    throw new PermanentEventException("cannot handle " + body + " (the bug)");
                  }
                  try (PreparedStatement ps =
                      tx.prepareStatement(
                          "INSERT INTO " + effects + " (event_id, body) VALUES (?, ?)")) {
                    ps.setObject(1, event.eventId());
                    ps.setString(2, body);
                    ps.executeUpdate();
                  }
                })
            .build()
            .start()) {
      send(stack, UUID.randomUUID(), "ok-1");
      send(stack, poison, "poison");
      send(stack, UUID.randomUUID(), "ok-2");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(metrics, ConsumerMetrics.DEAD_LETTERED) == 1 && effects().size() == 1);

      CliRun listed = dlq(stack, "list");
      assertThat(listed.out()).contains(poison.toString()).contains("cannot handle poison");
      // ok-2 waits behind the dead event of its key, and the copy for Kafka tooling is there.
      assertThat(effects()).containsExactly("ok-1");
      ConsumerRecord<byte[], byte[]> copy = readOne(stack);
      assertThat(header(copy, ConsumedEvent.ID_HEADER)).isEqualTo(poison.toString());
      assertThat(header(copy, DeadLetterHeaders.REASON))
          .isEqualTo(DeadLetterHeaders.REASON_PERMANENT);

      fixed.set(true);
      long deadId = DeadSet.of(dataSource, "public", keys).list(group, null, null, 1).get(0).id();
      CliRun redrive = dlq(stack, "redrive", Long.toString(deadId), "--as", "tester");
      assertThat(redrive.exit()).as(redrive.err()).isZero();
      await().atMost(Duration.ofSeconds(60)).until(() -> effects().size() == 3);
      assertThat(effects()).containsExactly("ok-1", "poison", "ok-2");

      CliRun again = dlq(stack, "redrive", Long.toString(deadId));
      assertThat(again.exit()).isEqualTo(1);
      assertThat(again.err()).contains("redriven already, by tester");
      DeadEvent row = DeadSet.of(dataSource, "public", keys).find(group, deadId).orElseThrow();
      assertThat(row.state()).isEqualTo(DeadEvent.State.REDRIVEN);
      assertThat(row.resolvedBy()).isEqualTo("tester");
    }
    assertThat(effects()).containsExactly("ok-1", "poison", "ok-2");
  }

  private CliRun dlq(DevStack stack, String command, String... extra) {
    List<String> options =
        new ArrayList<>(List.of("--group", group, "--processed-keys-table", keys));
    options.addAll(List.of(extra));
    return CliRun.withPostgres(stack, "dlq " + command, options.toArray(String[]::new));
  }

  private void send(DevStack stack, UUID eventId, String body) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      RecordHeaders headers = new RecordHeaders();
      headers.add(ConsumedEvent.ID_HEADER, eventId.toString().getBytes(UTF_8));
      producer
          .send(
              new ProducerRecord<>(
                  topic, null, "agg-1".getBytes(UTF_8), body.getBytes(UTF_8), headers))
          .get();
    }
  }

  private ConsumerRecord<byte[], byte[]> readOne(DevStack stack) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + id);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(dlq));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return !out.isEmpty();
              });
    }
    return out.get(0);
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), UTF_8);
  }

  /** Effect rows' bodies, in the order they were applied. */
  private List<String> effects() throws SQLException {
    return Sql.query(
        dataSource, "SELECT body FROM " + effects + " ORDER BY seq", rs -> rs.getString(1));
  }

  private static double count(MeterRegistry registry, String name) {
    return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }
}
