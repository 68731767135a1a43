package dev.relaybox.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.outbox.OutboxEvent;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay against the shared devstack: delivery, order, dead letters, slot safety, heartbeats.
 */
@ExtendWith(DevStackExtension.class)
class RelayIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @Test
  void committedEventsArePublishedWithKeyHeadersBytesAndTimestampRolledBackNever(
      DevStack stack, @TempDir Path dir) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      f.createTopics("order");
      // The at-least-once relay (file offsets need it) delivers the same records.
      try (Relay relay =
          Relay.create(
              f.config()
                  .offsetsFile(dir.resolve("offsets.dat"))
                  .set("delivery.guarantee", "at-least-once")
                  .build())) {
        relay.start();
        await().atMost(DEADLINE).until(relay::isReady);

        OutboxEvent placed =
            OutboxEvent.builder()
                .aggregateType("order")
                .aggregateId("o-1")
                .type("OrderPlaced")
                .payload(RelayFixture.record(1))
                .traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .header("tenant", "acme")
                .build();
        Instant before = Instant.now().minusSeconds(1);
        f.commit(List.of(placed));

        UUID rolledBack;
        try (Connection c = stack.postgres().dataSource().getConnection()) {
          c.setAutoCommit(false);
          rolledBack = f.outbox.publish(c, RelayFixture.event("order", "o-2", 2));
          c.rollback();
        }
        List<UUID> after = f.commit(List.of(RelayFixture.event("order", "o-3", 3)));

        try (TopicReader reader =
            new TopicReader(stack.kafka().bootstrapServers(), f.topic("order"))) {
          await().atMost(DEADLINE).until(() -> reader.poll() >= 2);
          assertThat(reader.countById)
              .containsOnlyKeys(placed.id().toString(), after.get(0).toString())
              .doesNotContainKey(rolledBack.toString());
          ConsumerRecord<byte[], byte[]> r =
              reader.records.stream()
                  .filter(x -> TopicReader.header(x, "id").equals(placed.id().toString()))
                  .findFirst()
                  .orElseThrow();
          assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("o-1");
          assertThat(r.value()).isEqualTo(f.payload(1));
          assertThat(TopicReader.header(r, "eventType")).isEqualTo("OrderPlaced");
          assertThat(TopicReader.header(r, "aggregateType")).isEqualTo("order");
          assertThat(TopicReader.header(r, "traceparent"))
              .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
          assertThat(TopicReader.header(r, "tenant")).isEqualTo("acme");
          assertThat(Instant.ofEpochMilli(r.timestamp())).isBetween(before, Instant.now());
        }
      }
    }
  }

  @Test
  void perAggregateOrderIsPreservedAcrossInterleavedTransactions(DevStack stack) throws Exception {
    int aggregates = 50;
    int perAggregate = 100;
    try (RelayFixture f = RelayFixture.create(stack)) {
      f.createTopics("cart");
      try (Relay relay = Relay.create(f.config().build())) {
        relay.start();
        await().atMost(DEADLINE).until(relay::isReady);
        // Every aggregate's events in sequence, shuffled across aggregates, 40 per transaction.
        Map<String, List<String>> expected = f.commitInterleaved(aggregates, perAggregate, 40, 42);
        try (TopicReader reader =
            new TopicReader(stack.kafka().bootstrapServers(), f.topic("cart"))) {
          await().atMost(DEADLINE).until(() -> reader.poll() >= aggregates * perAggregate);
          assertThat(reader.idsByKey()).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void theRecordTimestampIsTheRowsCreatedAtToTheMillisecond(DevStack stack) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      f.createTopics("order");
      try (Relay relay = Relay.create(f.config().build())) {
        relay.start();
        await().atMost(DEADLINE).until(relay::isReady);
        insertOneCreatedIn2020(f);
        try (TopicReader reader =
            new TopicReader(stack.kafka().bootstrapServers(), f.topic("order"))) {
          await().atMost(DEADLINE).until(() -> reader.poll() >= 1);
          assertThat(reader.records.get(0).timestamp())
              .isEqualTo(Instant.parse("2020-02-03T04:05:06.789Z").toEpochMilli());
        }
      }
    }
  }

  @Test
  void commitTimestampsLeaveCreatedAtOutOfThePublication(DevStack stack) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      f.createTopics("order");
      try (Relay relay = Relay.create(f.config().set("record.timestamp", "commit").build())) {
        relay.start();
        await().atMost(DEADLINE).until(relay::isReady);
        assertThat(
                f.queryString(
                    "SELECT array_to_string(attnames, ',') FROM pg_publication_tables"
                        + " WHERE pubname = '"
                        + f.slot
                        + "'"))
            .isEqualTo("id,aggregatetype,aggregateid,type,payload,headers");
        long before = System.currentTimeMillis();
        insertOneCreatedIn2020(f);
        long after = System.currentTimeMillis();
        try (TopicReader reader =
            new TopicReader(stack.kafka().bootstrapServers(), f.topic("order"))) {
          await().atMost(DEADLINE).until(() -> reader.poll() >= 1);
          // The commit time (Postgres's clock, same machine), not 2020's created_at.
          assertThat(reader.records.get(0).timestamp()).isBetween(before - 1, after);
        }
      }
      // Back to created_at timestamps, the publication is refused rather than stamping nothing.
      assertThatThrownBy(() -> Relay.create(f.config().build()).start())
          .isInstanceOf(RelayException.class)
          .hasMessageContaining("leaves out [created_at]")
          .hasMessageContaining(
              "ALTER PUBLICATION " + f.slot + " SET TABLE \"public\".\"" + f.table + "\"");
    }
  }

  /** One order event whose {@code created_at} is years before any commit or send time. */
  private static void insertOneCreatedIn2020(RelayFixture f) throws Exception {
    f.execute(
        "INSERT INTO "
            + f.table
            + " (id, aggregatetype, aggregateid, type, payload, created_at) VALUES"
            + " (gen_random_uuid(), 'order', 'o-1', 'T', '\\x01',"
            + " timestamptz '2020-02-03 04:05:06.789654+00')");
  }

  @Test
  void debeziumsLastEventMetricNamesTheTableInsteadOfFormattingTheKey(DevStack stack)
      throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      f.createTopics("order");
      try (Relay relay = Relay.create(f.config().build())) {
        startAndRelayOneOrder(stack, f, relay);
        // Debezium's own JMX bean for this relay's stream (topic.prefix = the relay's name).
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> beans =
            jmx.queryNames(
                new ObjectName(
                    "debezium.postgres:type=connector-metrics,context=streaming,server="
                        + f.name
                        + ",*"),
                null);
        assertThat(beans).hasSize(1);
        // Debezium's default prints the position and the key (with an ObjectMapper per event).
        assertThat(jmx.getAttribute(beans.iterator().next(), "LastEvent"))
            .isEqualTo("public." + f.table);
      }
    }
  }

  @Test
  void badRowsGoToTheDeadLetterTopicAndTheStreamContinues(DevStack stack) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      f.createTopics("ok");
      // The migration's NOT NULL constraints keep nulls out; a hand-made table may not have them.
      f.execute(
          "ALTER TABLE "
              + f.table
              + " ALTER COLUMN aggregatetype DROP NOT NULL, ALTER COLUMN aggregateid DROP NOT NULL");
      try (Relay relay = Relay.create(f.config().build())) {
        relay.start();
        await().atMost(DEADLINE).until(relay::isReady);
        Map<String, String> expectedReason = new LinkedHashMap<>();
        expectedReason.put(insertRaw(f, null, "k", new byte[] {1}), "MISSING_AGGREGATE_TYPE");
        expectedReason.put(insertRaw(f, " ", "k", new byte[] {1}), "MISSING_AGGREGATE_TYPE");
        expectedReason.put(insertRaw(f, "ok", null, new byte[] {1}), "MISSING_AGGREGATE_ID");
        expectedReason.put(insertRaw(f, "ok", "", new byte[] {1}), "MISSING_AGGREGATE_ID");
        expectedReason.put(insertRaw(f, "bad/topic", "k", new byte[] {1}), "ILLEGAL_TOPIC");
        expectedReason.put(insertRaw(f, "x".repeat(255), "k", new byte[] {1}), "ILLEGAL_TOPIC");
        expectedReason.put(insertRaw(f, "ok", "k", new byte[1_100_000]), "RECORD_TOO_LARGE");
        List<UUID> good = f.commit(List.of(RelayFixture.event("ok", "k", 1)));

        try (TopicReader dlq = new TopicReader(stack.kafka().bootstrapServers(), f.dlqTopic);
            TopicReader ok = new TopicReader(stack.kafka().bootstrapServers(), f.topic("ok"))) {
          await().atMost(DEADLINE).until(() -> ok.poll() >= 1 && dlq.poll() >= 7);
          assertThat(ok.countById).containsOnlyKeys(good.get(0).toString());
          Map<String, String> reasons = new LinkedHashMap<>();
          for (ConsumerRecord<byte[], byte[]> r : dlq.records) {
            reasons.put(TopicReader.header(r, "id"), TopicReader.header(r, "relaybox.dlq.reason"));
            assertThat(TopicReader.header(r, "relaybox.dlq.detail")).isNotBlank();
          }
          assertThat(reasons).isEqualTo(expectedReason);
        }
      }
    }
  }

  private static String insertRaw(RelayFixture f, String aggType, String aggId, byte[] payload)
      throws Exception {
    UUID id = UUID.randomUUID();
    try (Connection c = f.stack.postgres().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO "
                    + f.table
                    + " (id, aggregatetype, aggregateid, type, payload) VALUES (?, ?, ?, 'T', ?)")) {
      s.setObject(1, id);
      s.setString(2, aggType);
      s.setString(3, aggId);
      s.setBytes(4, payload);
      s.executeUpdate();
    }
    return id.toString();
  }

  @Test
  void refusesToStartWhenTheSlotIsGoneButOffsetsExist(DevStack stack) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      f.createTopics("order");
      try (Relay relay = Relay.create(f.config().build())) {
        startAndRelayOneOrder(stack, f, relay);
      }
      await().atMost(DEADLINE).until(() -> !f.slotActive());
      f.execute("SELECT pg_drop_replication_slot('" + f.slot + "')");

      Relay refused = Relay.create(f.config().build());
      assertThatThrownBy(refused::start)
          .isInstanceOf(RelayException.class)
          .hasMessageContaining("Replication slot " + f.slot + " does not exist")
          .hasMessageContaining("stored offsets")
          .hasMessageContaining("last relayed commit at")
          .hasMessageContaining("republish the gap from a retained outbox")
          .hasMessageContaining("startup.allow.missing.slot" + "=true");
      assertThat(refused.isHealthy()).isFalse();

      try (Relay accepted =
          Relay.create(f.config().set("startup.allow.missing.slot", "true").build())) {
        accepted.start();
        await().atMost(DEADLINE).until(accepted::isReady);
      }
    }
  }

  @Test
  void aSlotDroppedAndRecreatedUnderTheRunningRelayStopsIt(DevStack stack) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      f.createTopics("order");
      try (Relay relay = Relay.create(f.config().set("slot.monitor.interval.ms", "500").build())) {
        startAndRelayOneOrder(stack, f, relay);
        // Another client takes the slot away and creates a new one of the same name.
        await()
            .atMost(DEADLINE)
            .ignoreExceptions()
            .untilAsserted(
                () -> {
                  f.execute(
                      "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                          + " WHERE slot_name = '"
                          + f.slot
                          + "' AND active_pid IS NOT NULL");
                  f.execute("SELECT pg_drop_replication_slot('" + f.slot + "')");
                  f.execute(
                      "SELECT pg_create_logical_replication_slot('" + f.slot + "', 'pgoutput')");
                });
        assertThat(relay.awaitTermination(DEADLINE)).isTrue();
        assertThat(relay.isHealthy()).isFalse();
        assertThat(relay.failure().orElseThrow().getMessage())
            .contains("Replication slot " + f.slot)
            .containsAnyOf("recreated", "does not exist", "dropped");
      }
    }
  }

  @Test
  void changesAfterQuietSpellsArriveInOrderAndTheSlotIsConfirmed(DevStack stack) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      f.createTopics("cart");
      // Quiet for longer than the 250 ms after which the stream's reads start waiting.
      Duration quiet = Duration.ofMillis(500);
      try (Relay relay = Relay.create(f.config().set("offsets.flush.interval.ms", "200").build())) {
        relay.start();
        await().atMost(DEADLINE).until(relay::isReady);
        Map<String, List<String>> expected = new LinkedHashMap<>();
        try (TopicReader reader =
            new TopicReader(stack.kafka().bootstrapServers(), f.topic("cart"))) {
          for (int round = 1; round <= 4; round++) {
            f.commitInterleaved(2, 2, 4, round)
                .forEach(
                    (k, ids) -> expected.computeIfAbsent(k, x -> new ArrayList<>()).addAll(ids));
            int sent = round * 4;
            await().atMost(DEADLINE).until(() -> reader.poll() >= sent);
            await().pollDelay(quiet).atMost(DEADLINE).until(() -> reader.poll() == sent);
          }
          assertThat(reader.idsByKey()).isEqualTo(expected);
          assertThat(reader.duplicates()).isZero();
        }
        // The LSN flushes got through the waiting reads.
        await().atMost(DEADLINE).until(() -> f.slotLagBytes() < 64 * 1024);
      }
    }
  }

  @Test
  void heartbeatsKeepTheSlotAdvancingWhileTheOutboxIsIdle(DevStack stack) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      String other = "busy_" + f.id;
      f.execute("CREATE TABLE " + other + " (id bigserial PRIMARY KEY, filler text)");
      try (Relay relay =
          Relay.create(
              f.config()
                  .set("heartbeat.interval.ms", "500")
                  .set("offsets.flush.interval.ms", "500")
                  .build())) {
        relay.start();
        await().atMost(DEADLINE).until(relay::isReady);
        // ~32 MB of WAL in a table the relay does not read.
        long walBefore = f.walPosition();
        for (int i = 0; i < 8; i++) {
          f.execute(
              "INSERT INTO "
                  + other
                  + " (filler) SELECT repeat('x', 1000) FROM generate_series(1, 4000)");
        }
        assertThat(f.walPosition() - walBefore).isGreaterThan(16L * 1024 * 1024);
        await().atMost(DEADLINE).until(() -> f.slotLagBytes() < 1024 * 1024);
      } finally {
        f.execute("DROP TABLE " + other);
      }
    }
  }

  /** Starts {@code relay} and waits until one committed event is on the fixture's order topic. */
  private static void startAndRelayOneOrder(DevStack stack, RelayFixture f, Relay relay)
      throws Exception {
    relay.start();
    await().atMost(DEADLINE).until(relay::isReady);
    f.commit(List.of(RelayFixture.event("order", "o-1", 1)));
    try (TopicReader reader = new TopicReader(stack.kafka().bootstrapServers(), f.topic("order"))) {
      await().atMost(DEADLINE).until(() -> reader.poll() >= 1);
    }
  }
}
