package dev.relaybox.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.Sql;
import dev.relaybox.outbox.CleanupMode;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import dev.relaybox.relay.OutboxReconciler;
import dev.relaybox.relay.Relay;
import dev.relaybox.relay.RelayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code relaybox outbox reconcile} against the devstack: a relay's slot is dropped while it is
 * down and events are written meanwhile (the gap); the relay starts over from a new slot, and the
 * command republishes exactly the gap's events, which a read_committed reader then sees once.
 */
@ExtendWith(DevStackExtension.class)
class OutboxReconcileCommandIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final Schema NOTE =
      SchemaBuilder.record("Note")
          .namespace("dev.relaybox.runtime.test")
          .fields()
          .requiredString("text")
          .endRecord();

  private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final String schema = "reconcile_cli_" + id;
  private final String topic = "reconcile" + id + ".note";

  @Test
  void republishesExactlyTheEventsThatNeverReachedKafka(DevStack stack, @TempDir Path dir)
      throws Exception {
    DataSource db = stack.postgres().dataSource();
    stack.kafka().createTopic(topic, 2);
    Path config = dir.resolve("relay.properties");
    writeConfig(stack, config);
    RelayConfig relayConfig = RelayConfig.builder().load(config).build();
    try (Outbox outbox =
        Outbox.builder()
            .schema(schema)
            .cleanupMode(CleanupMode.RETAIN)
            .serializer((t, data) -> data.toString().getBytes(UTF_8))
            .build()) {
      outbox.migrate(db);
      Instant start = Instant.now().minusSeconds(1);
      List<UUID> ids = new ArrayList<>();
      try (Relay relay = Relay.create(relayConfig)) {
        relay.start();
        await().atMost(DEADLINE).until(relay::isReady);
        ids.addAll(write(outbox, db, 0, 10));
        await().atMost(DEADLINE).until(() -> read(stack).size() >= 10);
      }
      await().atMost(DEADLINE).until(() -> !slotActive(db, relayConfig.slotName()));
      Sql.execute(db, "SELECT pg_drop_replication_slot('" + relayConfig.slotName() + "')");
      List<UUID> gap = write(outbox, db, 10, 5);
      ids.addAll(gap);

      try (Relay relay =
          Relay.create(
              RelayConfig.builder()
                  .load(config)
                  .set("startup.allow.missing.slot", "true")
                  .build())) {
        relay.start();
        await().atMost(DEADLINE).until(relay::isReady);
        ids.addAll(write(outbox, db, 15, 3));
        await().atMost(DEADLINE).until(() -> read(stack).size() >= 13);

        // A window end beyond the relay's watermark is refused once it has one (without one, an
        // explicit end is taken as given): wait for its first heartbeat on the new slot.
        OutboxReconciler reconciler = OutboxReconciler.create(relayConfig);
        await().atMost(DEADLINE).until(() -> reconciler.relayedThrough().isPresent());
        CliRun tooLate = reconcile(config, start, "--to", Instant.now().plusSeconds(60).toString());
        assertThat(tooLate.exit()).isEqualTo(RelayboxCli.EXIT_FAILED);
        assertThat(tooLate.err()).contains("the relay has relayed everything only up to");

        // The default end follows the relay's heartbeats: wait until it passed the gap.
        await()
            .atMost(DEADLINE)
            .untilAsserted(
                () -> {
                  CliRun dry = reconcile(config, start, "--dry-run");
                  assertThat(dry.exit()).as(dry.err()).isZero();
                  assertThat(dry.out()).contains("18 retained event(s)");
                  for (UUID missing : gap) {
                    assertThat(dry.out()).contains("missing " + missing);
                  }
                  assertThat(dry.out()).contains("5 of them on none of").contains("Dry run");
                });

        CliRun run = reconcile(config, start, "--wait", "60s");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out())
            .contains("Re-inserted 5 event(s)")
            .contains("All 5 event(s) are published");

        CliRun again = reconcile(config, start);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("Nothing to republish");
      }
      Map<String, Integer> seen = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : read(stack)) {
        seen.merge(new String(r.headers().lastHeader("id").value(), UTF_8), 1, Integer::sum);
      }
      assertThat(seen).hasSize(ids.size()).allSatisfy((k, count) -> assertThat(count).isOne());
      assertThat(seen.keySet())
          .containsExactlyInAnyOrderElementsOf(ids.stream().map(UUID::toString).toList());
    } finally {
      Sql.execute(
          db,
          "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
              + " WHERE slot_name = 'reconcile_"
              + id
              + "' AND NOT active");
      Sql.execute(db, "DROP PUBLICATION IF EXISTS reconcile_" + id);
      Sql.execute(db, "DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @Test
  void aBadConfigurationIsAUsageError(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("relay.properties");
    Files.writeString(config, "pg.database=app\n");
    CliRun run =
        CliRun.of(
            "outbox", "reconcile", "--config", config.toString(), "--from", "2026-01-01T00:00:00Z");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("pg.user");
  }

  private CliRun reconcile(Path config, Instant from, String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "outbox", "reconcile", "--config", config.toString(), "--from", from.toString()));
    args.addAll(List.of(options));
    return CliRun.of(args.toArray(String[]::new));
  }

  private void writeConfig(DevStack stack, Path file) throws Exception {
    CliRun.relayConfig(
        stack,
        file,
        Map.of(
            "relay.name", "reconcile-" + id,
            "outbox.schema", schema,
            "slot.name", "reconcile_" + id,
            "publication.name", "reconcile_" + id,
            "topic.pattern", "reconcile" + id + ".${aggregatetype}",
            "dlq.topic", "reconcile" + id + ".dlq",
            "offsets.topic", "reconcile" + id + ".offsets",
            "heartbeat.interval.ms", "500",
            "reconcile.max.transaction.age.ms", "1000"));
  }

  private static List<UUID> write(Outbox outbox, DataSource db, int first, int n) throws Exception {
    List<UUID> ids = new ArrayList<>();
    for (int i = first; i < first + n; i++) {
      GenericData.Record note = new GenericData.Record(NOTE);
      note.put("text", "note " + i);
      try (Connection tx = db.getConnection()) {
        tx.setAutoCommit(false);
        ids.add(outbox.publish(tx, OutboxEvent.of("note", "n-" + (i % 3), note)));
        tx.commit();
      }
    }
    return ids;
  }

  /** Every record of the topic, read_committed, to its end. */
  private List<ConsumerRecord<byte[], byte[]>> read(DevStack stack) {
    Map<String, Object> p =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.kafka().bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        c.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  private static boolean slotActive(DataSource db, String slot) throws Exception {
    return Sql.query(
            db,
            "SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'",
            rs -> rs.getBoolean(1))
        .stream()
        .anyMatch(Boolean::booleanValue);
  }
}
