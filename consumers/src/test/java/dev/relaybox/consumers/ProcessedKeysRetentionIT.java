package dev.relaybox.consumers;

import static dev.relaybox.consumers.TestSupport.count;
import static dev.relaybox.consumers.TestSupport.event;
import static dev.relaybox.consumers.TestSupport.execute;
import static dev.relaybox.consumers.TestSupport.queryLong;
import static dev.relaybox.consumers.TestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.outbox.OutboxEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The retention sweeper on the real stack. Keys are made old by setting {@code processed_at} in the
 * past (test data), with a retention of one hour (the floor) and a sweep every 200 ms. And the
 * retention index kept out of a two-phase handler's pre-check ("which of these events are processed
 * already?"), also for a group that grew after the table's last ANALYZE (a new group on a shared
 * table), where a plan made for the group's name read every key of the group through it, per chunk:
 * counted at the source of truth, Postgres' own index statistics.
 */
@ExtendWith(DevStackExtension.class)
class ProcessedKeysRetentionIT {

  private static final Duration RETENTION = ConsumerRunner.MIN_PROCESSED_KEYS_RETENTION;

  /** Keys another group had at the table's last ANALYZE; keys the test's group gained after it. */
  private static final int ANALYZED = 5_000;

  private static final int GROWN = 20_000;

  private static final int LOOKUP_EVENTS = 30;

  private HikariDataSource ds;
  private String group;
  private String topic;
  private String effects;
  private String keys;

  @BeforeEach
  void setUp(DevStack stack) throws Exception {
    ds = TestSupport.pool(stack, 4);
    group = unique("ret");
    topic = "it." + group;
    effects = group + "_effects";
    keys = group + "_keys"; // TestSupport.runner's processed-keys table
    stack.kafka().createTopic(topic, 2);
    TestSupport.createEffectsTable(ds, effects);
  }

  @AfterEach
  void tearDown() {
    ds.close();
  }

  private ConsumerRunner runner(DevStack stack, SimpleMeterRegistry registry) {
    return TestSupport.runner(stack, ds, group, topic)
        .handler(TestSupport.effectsHandler(effects))
        .processedKeysRetention(RETENTION)
        .processedKeysSweepInterval(Duration.ofMillis(200))
        .meterRegistry(registry)
        .build();
  }

  @Test
  void deletesOnlyThisGroupsExpiredKeysAndRetainedKeysStillDeduplicate(DevStack stack)
      throws Exception {
    int n = 40;
    List<UUID> ids = IntStream.range(0, n).mapToObj(i -> UUID.randomUUID()).toList();
    List<UUID> aged = ids.subList(0, 30);
    List<UUID> recent = ids.subList(30, n);
    TestSupport.sendAll(stack, records(ids));
    String other = group + "_other";
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ConsumerRunner runner = runner(stack, registry).start()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(registry, ConsumerMetrics.PROCESSED) == n);
      int bulk = 11_000; // with the 30 aged keys: three batches of at most 5,000
      try (Connection tx = ds.getConnection()) {
        tx.setAutoCommit(false);
        try (PreparedStatement age =
            tx.prepareStatement(
                "UPDATE "
                    + keys
                    + " SET processed_at = now() - interval '2 hours'"
                    + " WHERE consumer_group = ? AND event_id = ANY(?)")) {
          age.setString(1, group);
          age.setArray(2, tx.createArrayOf("uuid", aged.toArray()));
          assertThat(age.executeUpdate()).isEqualTo(aged.size());
        }
        insertKeys(tx, group, bulk, "3 hours");
        // Another group sharing the table, with keys far older than this group's retention.
        insertKeys(tx, other, 25, "30 days");
        tx.commit();
      }
      long expired = aged.size() + bulk;
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(registry, ConsumerMetrics.PROCESSED_KEYS_DELETED) == expired);
      assertThat(keysOf(group)).containsExactlyInAnyOrderElementsOf(recent);
      assertThat(queryLong(ds, countOf(other))).isEqualTo(25);

      // A redelivered event whose key is retained is skipped; one whose key was swept is applied
      // again: the documented price of a retention shorter than the replay window.
      List<UUID> redelivered = new ArrayList<>(recent.subList(0, 5));
      redelivered.add(aged.get(0));
      TestSupport.sendAll(stack, records(redelivered));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  count(registry, ConsumerMetrics.DUPLICATES) == 5
                      && count(registry, ConsumerMetrics.PROCESSED) == n + 1);
      assertThat(count(registry, ConsumerMetrics.PROCESSED_KEYS_DELETED)).isEqualTo(expired);
      assertThat(count(registry, ConsumerMetrics.PROCESSED_KEYS_SWEEP_FAILURES)).isZero();
    }
    for (UUID id : recent) {
      assertThat(queryLong(ds, effectsOf(id))).as("effects of retained %s", id).isEqualTo(1);
    }
    assertThat(queryLong(ds, effectsOf(aged.get(0)))).isEqualTo(2);
    assertThat(queryLong(ds, countOf(other))).isEqualTo(25);
  }

  @Test
  void aFailedSweepIsRetriedWithoutStoppingTheRunnerAndTheSweeperStopsWithIt(DevStack stack)
      throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String sweeperThread = "relaybox-sweeper-" + group;
    try (ConsumerRunner runner = runner(stack, registry).start()) {
      await().atMost(Duration.ofSeconds(60)).until(runner::isReady);
      try (Connection c = ds.getConnection()) {
        insertKeys(c, group, 10, "2 hours");
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> count(registry, ConsumerMetrics.PROCESSED_KEYS_DELETED) == 10);

      // The table disappears under the sweeper: its DELETE fails, the next sweeps too.
      execute(ds, "ALTER TABLE " + keys + " RENAME TO " + keys + "_away");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> count(registry, ConsumerMetrics.PROCESSED_KEYS_SWEEP_FAILURES) >= 2);
      assertThat(runner.isHealthy()).isTrue();
      execute(ds, "ALTER TABLE " + keys + "_away RENAME TO " + keys);
      try (Connection c = ds.getConnection()) {
        insertKeys(c, group, 7, "2 hours");
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> count(registry, ConsumerMetrics.PROCESSED_KEYS_DELETED) == 17);

      // And the runner still applies events.
      UUID id = UUID.randomUUID();
      TestSupport.sendAll(stack, records(List.of(id)));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(registry, ConsumerMetrics.PROCESSED) == 1);
      assertThat(keysOf(group)).containsExactly(id);
      assertThat(sweeperThreadAlive(sweeperThread)).isTrue();
    }
    // close() waited for the executor; its worker thread exits right after.
    await().atMost(Duration.ofSeconds(5)).until(() -> !sweeperThreadAlive(sweeperThread));
  }

  @Test
  void aGroupThatGrewSinceTheLastAnalyzeIsProbedByKeyNotReadWhole(DevStack stack) throws Exception {
    long readBefore;
    // One session: its pre-checks all come before its last insert (see the wait below).
    try (HikariDataSource runnerPool = TestSupport.pool(stack, 1)) {
      // Flyway needs two connections: the tables are made through the test's pool.
      try (ConsumerRunner migrator =
          TestSupport.runner(stack, ds, group, topic).handler(recordingAfterCall()).build()) {
        migrator.migrate();
      }
      ConsumerRunner runner =
          TestSupport.runner(stack, runnerPool, group, topic)
              .handler(recordingAfterCall())
              .migrateOnStart(false)
              .build();
      // Statistics that know another group only, then this group grown by 20,000 keys since.
      try (Connection c = ds.getConnection()) {
        execute(ds, "ALTER TABLE " + keys + " SET (autovacuum_enabled = false)");
        insertKeys(c, "another-group", ANALYZED, "0 seconds");
        execute(ds, "ANALYZE " + keys);
        insertKeys(c, group, GROWN, "0 seconds");
      }
      readBefore = retentionIndexReads();
      TestSupport.sendAll(
          stack,
          IntStream.range(0, LOOKUP_EVENTS)
              .mapToObj(i -> event(topic, OutboxEvent.newEventId(), "key-" + i, "p-" + i))
              .toList());
      try (ConsumerRunner started = runner.start()) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> queryLong(ds, "SELECT count(*) FROM " + effects) == LOOKUP_EVENTS);
      }
    }
    // A session reports its counters at the end of a transaction (at most once a second) and as
    // it exits. The runner's one session did every pre-check before its last insert: once all
    // inserts are counted (the test's and the runner's), so are those pre-checks' index reads.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> inserted() >= ANALYZED + GROWN + LOOKUP_EVENTS);

    assertThat(retentionIndexReads() - readBefore)
        .as("index entries the pre-checks read through the retention index")
        .isLessThan(GROWN);
    assertThat(queryLong(ds, countOf(group))).isEqualTo(GROWN + LOOKUP_EVENTS);
  }

  private List<ProducerRecord<byte[], byte[]>> records(List<UUID> ids) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (UUID id : ids) {
      records.add(event(topic, id, "order-" + id, "body-" + id));
    }
    return records;
  }

  /** Test data: {@code count} keys of {@code consumerGroup} processed {@code age} ago. */
  private void insertKeys(Connection c, String consumerGroup, int count, String age)
      throws Exception {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + keys
                + " (consumer_group, event_id, processed_at)"
                + " SELECT ?, gen_random_uuid(), now() - ?::interval FROM generate_series(1, ?)")) {
      ps.setString(1, consumerGroup);
      ps.setString(2, age);
      ps.setInt(3, count);
      ps.executeUpdate();
    }
  }

  private Set<UUID> keysOf(String consumerGroup) throws Exception {
    Set<UUID> found = new HashSet<>();
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT event_id FROM " + keys + " WHERE consumer_group = ?")) {
      ps.setString(1, consumerGroup);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getObject(1, UUID.class));
        }
      }
    }
    return found;
  }

  private String countOf(String consumerGroup) {
    return "SELECT count(*) FROM " + keys + " WHERE consumer_group = '" + consumerGroup + "'";
  }

  private String effectsOf(UUID id) {
    return "SELECT count(*) FROM " + effects + " WHERE event_id = '" + id + "'";
  }

  private static boolean sweeperThreadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }

  /** Index entries read through the retention index so far (each query a fresh snapshot). */
  private long retentionIndexReads() throws Exception {
    return queryLong(
        ds,
        "SELECT coalesce(sum(idx_tup_read), 0) FROM pg_stat_user_indexes WHERE relname = '"
            + keys
            + "' AND indexrelname LIKE '%retention%'");
  }

  /** Rows inserted into the processed-keys table so far, as the statistics know them. */
  private long inserted() throws Exception {
    return queryLong(
        ds,
        "SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables WHERE relname = '"
            + keys
            + "'");
  }

  /** A two-phase handler whose call does nothing and whose record writes the effect row. */
  private TwoPhaseEventHandler<String> recordingAfterCall() {
    EventHandler insert = TestSupport.effectsHandler(effects);
    return new TwoPhaseEventHandler<>() {
      @Override
      public String call(ConsumedEvent event) {
        return "called";
      }

      @Override
      public void record(ConsumedEvent event, String result, Connection tx) throws Exception {
        insert.handle(event, tx);
      }
    };
  }
}
