package dev.relaybox.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.ConsumerMetrics;
import dev.relaybox.consumers.ConsumerRunner;
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
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole recovery path with the real consumer runner: a handler fails permanently for one event,
 * the runner dead-letters it, the bug is "fixed", {@code relaybox dlq redrive} sends it back, and
 * its effect is applied exactly once, even when the operator redrives it a second time with
 * --force.
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
      execute("DROP TABLE IF EXISTS " + effects + ", " + keys);
    }
  }

  @Test
  void aFixedPoisonEventIsRedrivenAndAppliedExactlyOnce(DevStack stack) throws Exception {
    dataSource = stack.postgres().dataSource();
    stack.kafka().createTopic(topic, 1);
    stack.kafka().createTopic(dlq, 1);
    // No unique constraint: a double effect would show as a second row.
    execute("CREATE TABLE " + effects + " (event_id uuid NOT NULL, body text)");
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
                      tx.prepareStatement("INSERT INTO " + effects + " VALUES (?, ?)")) {
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
          .until(() -> count(metrics, ConsumerMetrics.DEAD_LETTERED) == 1 && effects().size() == 2);

      CliRun listed = dlq(stack, "list");
      assertThat(listed.out()).contains(poison.toString()).contains("cannot handle poison");

      fixed.set(true);
      CliRun redrive = dlq(stack, "redrive", "--all");
      assertThat(redrive.exit()).as(redrive.err()).isZero();
      await().atMost(Duration.ofSeconds(60)).until(() -> effects().size() == 3);
      assertThat(effects()).containsExactly("ok-1", "ok-2", "poison");

      assertThat(dlq(stack, "redrive", "--all").exit()).isEqualTo(1); // already redriven
      CliRun again = dlq(stack, "redrive", "--all", "--force");
      assertThat(again.exit()).as(again.err()).isZero();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(metrics, ConsumerMetrics.DUPLICATES) == 1);
      assertThat(effects()).containsExactly("ok-1", "ok-2", "poison");
    }
  }

  private CliRun dlq(DevStack stack, String command, String... extra) {
    List<String> options = new ArrayList<>(List.of("--topic", dlq));
    options.addAll(List.of(extra));
    return CliRun.withKafka(stack, "dlq " + command, options.toArray(String[]::new));
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

  /** Effect rows' bodies, sorted. */
  private List<String> effects() throws SQLException {
    return Sql.query(
        dataSource, "SELECT body FROM " + effects + " ORDER BY body", rs -> rs.getString(1));
  }

  private static double count(MeterRegistry registry, String name) {
    return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private void execute(String sql) throws SQLException {
    Sql.execute(dataSource, sql);
  }
}
