package dev.relaybox.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.outbox.OutboxEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sharded relays ({@code shard.count=2}) against the devstack: each has its own slot and
 * row-filtered publication, together they publish every event once, in order per aggregate; a
 * publication of another shard layout is refused.
 */
@ExtendWith(DevStackExtension.class)
class RelayShardIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @Test
  void twoShardsDrainABacklogOnceEachInOrderPerAggregate(DevStack stack) throws Exception {
    int aggregates = 200;
    int perAggregate = 20;
    withShards(
        stack,
        f -> {
          // A first start creates the shards' slots and publications; the backlog comes after.
          runShards(f, 2, () -> {});
          Map<String, List<String>> expected = f.commitInterleaved(aggregates, perAggregate, 50, 7);
          try (TopicReader reader =
              new TopicReader(stack.kafka().bootstrapServers(), f.topic("cart"))) {
            runShards(
                f,
                2,
                () -> {
                  await().atMost(DEADLINE).until(() -> reader.poll() >= aggregates * perAggregate);
                  reader.readToEnd(DEADLINE);
                });
            assertThat(reader.duplicates()).isZero();
            assertThat(reader.countById).hasSize(aggregates * perAggregate);
            assertThat(reader.idsByKey()).isEqualTo(expected);
          }
          // Each shard has a publication of its own, filtered to its rows.
          assertThat(rowFilters(f))
              .containsOnlyKeys(f.slot + "_shard_0_of_2", f.slot + "_shard_1_of_2")
              .allSatisfy((pub, filter) -> assertThat(filter).contains("hashtext"));
        });
  }

  @Test
  void aPublicationOfAnotherShardLayoutIsRefused(DevStack stack) throws Exception {
    withShards(
        stack,
        f -> {
          // Shard 0's publication filtered as shard 1: it would publish the other shard's events.
          createPublication(
              f,
              f.slot + "_shard_0_of_2",
              "(hashtext(coalesce(aggregateid, '')) & 2147483647) % 2 = 1");
          Relay shard0 = Relay.create(shard(f, 2, 0));
          assertThatThrownBy(shard0::start)
              .isInstanceOf(RelayException.class)
              .hasMessageContaining("Publication " + f.slot + "_shard_0_of_2 filters rows by")
              .hasMessageContaining("needs")
              .hasMessageContaining("% 2) = 0")
              .hasMessageContaining("ALTER PUBLICATION " + f.slot + "_shard_0_of_2 SET TABLE");

          // An unsharded relay refuses a filtered publication: it would skip events.
          createPublication(f, f.slot, "aggregateid <> 'x'");
          Relay unsharded = Relay.create(f.config().build());
          assertThatThrownBy(unsharded::start)
              .isInstanceOf(RelayException.class)
              .hasMessageContaining("(unsharded) needs no row filter");
        });
  }

  @Test
  void aRoleThatCannotProbeTheRowFilterIsToldWhatToGrant(DevStack stack) throws Exception {
    withShards(
        stack,
        f -> {
          createPublication(
              f,
              f.slot + "_shard_0_of_2",
              "(hashtext(coalesce(aggregateid, '')) & 2147483647) % 2 = 0");
          // A replication role that neither owns the outbox table nor may create in the database.
          String role = f.slot + "_reader";
          f.execute("CREATE ROLE " + role + " LOGIN REPLICATION PASSWORD 'probe-secret'");
          try {
            f.execute("GRANT SELECT ON public." + f.table + " TO " + role);
            DevStack.Postgres pg = stack.postgres();
            RelayConfig config =
                f.config()
                    .postgres(pg.host(), pg.port(), pg.database(), role, "probe-secret")
                    .set("shard.count", "2")
                    .set("shard.index", "0")
                    .build();
            assertThatThrownBy(() -> Relay.create(config).start())
                .isInstanceOf(RelayException.class)
                .hasMessageContaining("probe publication")
                .hasMessageContaining("GRANT CREATE ON DATABASE " + pg.database())
                .hasMessageNotContaining("probe-secret");
          } finally {
            f.execute("REVOKE ALL ON public." + f.table + " FROM " + role);
            f.execute("DROP ROLE " + role);
          }
        });
  }

  @Test
  void addingAShardWithTheWritersPausedLosesAndDoublesNothing(DevStack stack) throws Exception {
    Map<String, List<String>> expected = new LinkedHashMap<>();
    withShards(
        stack,
        f -> {
          // The README's procedure: one relay, writers running; pause them, let the relay publish
          // everything committed (its slot confirmed past the WAL position of the pause), stop it;
          // start the new layout's shards (their slots begin here), resume the writers.
          try (Relay one = Relay.create(f.config().set("heartbeat.interval.ms", "1000").build())) {
            one.start();
            await().atMost(DEADLINE).until(one::isReady);
            writeWhile(f, expected, 0, 1_500);
            long paused = f.walPosition();
            await().atMost(DEADLINE).until(() -> f.slotConfirmedPast(f.slot, paused));
          }
          try (TopicReader reader =
              new TopicReader(stack.kafka().bootstrapServers(), f.topic("cart"))) {
            runShards(
                f,
                2,
                () -> {
                  writeWhile(f, expected, 1_500, 1_500);
                  await().atMost(DEADLINE).until(() -> reader.poll() >= 3_000);
                  reader.readToEnd(DEADLINE);
                });
            assertThat(reader.duplicates()).isZero();
            assertThat(reader.countById).hasSize(3_000);
            assertThat(reader.idsByKey()).isEqualTo(expected);
          }
        });
  }

  /** Commits {@code n} events from {@code firstSeq} in transactions of 10 over 100 aggregates. */
  private static void writeWhile(
      RelayFixture f, Map<String, List<String>> expected, int firstSeq, int n) throws Exception {
    for (int seq = firstSeq; seq < firstSeq + n; seq += 10) {
      List<OutboxEvent> tx = RelayFixture.events("cart", 100, seq, 10);
      f.commit(tx);
      for (OutboxEvent e : tx) {
        expected.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(e.id().toString());
      }
    }
  }

  /**
   * Runs {@code test} on a fixture of its own with the topic {@code cart}, then drops the shards'
   * slots and publications.
   */
  private static void withShards(DevStack stack, FixtureTest test) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      f.createTopics("cart");
      try {
        test.run(f);
      } finally {
        dropShards(f);
      }
    }
  }

  @FunctionalInterface
  private interface FixtureTest {
    void run(RelayFixture f) throws Exception;
  }

  private static void createPublication(RelayFixture f, String name, String filter)
      throws SQLException {
    f.execute(
        "CREATE PUBLICATION "
            + name
            + " FOR TABLE public."
            + f.table
            + " WHERE ("
            + filter
            + ") WITH (publish = 'insert')");
  }

  static RelayConfig shard(RelayFixture f, int count, int index) {
    return f.config()
        .set("shard.count", Integer.toString(count))
        .set("shard.index", Integer.toString(index))
        .build();
  }

  /** Starts {@code count} shards in this JVM, runs {@code whileRunning}, closes them. */
  private static void runShards(RelayFixture f, int count, ThrowingRunnable whileRunning)
      throws Exception {
    List<Relay> relays = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        Relay relay = Relay.create(shard(f, count, i));
        relays.add(relay);
        relay.start();
      }
      for (Relay relay : relays) {
        await().atMost(DEADLINE).until(relay::isReady);
      }
      whileRunning.run();
    } finally {
      for (Relay relay : relays) {
        relay.close();
      }
    }
  }

  /** Publication name → row filter of the fixture's shard publications. */
  private static Map<String, String> rowFilters(RelayFixture f) throws SQLException {
    Map<String, String> filters = new LinkedHashMap<>();
    try (Connection c = f.stack.postgres().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pubname, rowfilter FROM pg_publication_tables WHERE pubname LIKE '"
                    + f.slot
                    + "\\_shard\\_%'")) {
      while (rs.next()) {
        filters.put(rs.getString(1), rs.getString(2));
      }
    }
    return filters;
  }

  static void dropShards(RelayFixture f) throws SQLException {
    String like = "'" + f.slot + "\\_shard\\_%'";
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                f.queryString(
                        "SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name"
                            + " LIKE "
                            + like)
                    .equals("0"));
    f.execute(
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE "
            + like);
    for (String pub : rowFilters(f).keySet()) {
      f.execute("DROP PUBLICATION IF EXISTS " + pub);
    }
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
