package dev.relaybox.relay;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A live reshard ({@link Reshard}) while a writer keeps committing: one relay → 2 shards → 3
 * shards. A read_committed reader sees every event once, in commit order per aggregate, and no
 * barrier row on any topic nor the dead-letter topic.
 */
@ExtendWith(DevStackExtension.class)
class RelayReshardIT {
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  @Test
  void addingShardsWhileEventsFlowLosesAndDoublesNothing(DevStack stack) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack);
        Writer writer = new Writer(f)) {
      f.createTopics("cart", "relaybox.reshard");
      List<Relay> relays = new ArrayList<>();
      try {
        RelayConfig unsharded = f.config().set("heartbeat.interval.ms", "1000").build();
        List<Relay> old = start(relays, List.of(unsharded));
        // The slot exists from here on: the writer starts, and commits through both reshards.
        writer.start();
        writer.writeAtLeast(500);

        List<Relay> two = reshard(f, relays, unsharded, old, 2);
        writer.writeAtLeast(writer.written() + 1_000);

        reshard(f, relays, RelayShardIT.shard(f, 2, 0), two, 3);
        writer.writeAtLeast(writer.written() + 1_000);
        Map<String, List<String>> expected = writer.stop();

        try (TopicReader reader =
            new TopicReader(
                stack.kafka().bootstrapServers(),
                f.topic("cart"),
                f.topic("relaybox.reshard"),
                f.dlqTopic)) {
          int events = expected.values().stream().mapToInt(List::size).sum();
          await().atMost(DEADLINE).until(() -> reader.poll() >= events);
          reader.readToEnd(Duration.ofSeconds(30));
          assertThat(reader.duplicates()).isZero();
          assertThat(reader.countById).hasSize(events);
          assertThat(reader.idsByKey()).isEqualTo(expected);
        }
        assertThat(reached(f)).containsExactlyInAnyOrder("1/0", "2/0", "2/1");
      } finally {
        relays.forEach(Relay::close);
        RelayShardIT.dropShards(f);
      }
    }
  }

  /** Starts the reshard from {@code current} to {@code count} shards; returns the new shards. */
  private static List<Relay> reshard(
      RelayFixture f, List<Relay> relays, RelayConfig current, List<Relay> old, int count)
      throws SQLException {
    Reshard.start(current, count);
    List<RelayConfig> shards = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      shards.add(RelayShardIT.shard(f, count, i));
    }
    List<Relay> started = start(relays, shards);
    for (Relay relay : old) {
      await()
          .atMost(DEADLINE)
          .until(
              () -> relay.failure().map(e -> e.getMessage().contains("is retired")).orElse(false));
    }
    return started;
  }

  private static List<Relay> start(List<Relay> all, List<RelayConfig> configs) {
    List<Relay> started = new ArrayList<>();
    for (RelayConfig config : configs) {
      Relay relay = Relay.create(config);
      all.add(relay);
      started.add(relay);
      relay.start();
    }
    for (Relay relay : started) {
      await().atMost(DEADLINE).until(relay::isReady);
    }
    return started;
  }

  /** {@code <shard count>/<shard index>} of every shard recorded as having reached a barrier. */
  private static List<String> reached(RelayFixture f) throws SQLException {
    List<String> shards = new ArrayList<>();
    try (Connection c = f.stack.postgres().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT shard_count || '/' || shard_index FROM public.relaybox_reshard_shard"
                    + " WHERE barrier_id IN (SELECT barrier_id FROM public.relaybox_reshard"
                    + " WHERE outbox = '\"public\".\""
                    + f.table
                    + "\"')")) {
      while (rs.next()) {
        shards.add(rs.getString(1));
      }
    }
    return shards;
  }

  /** Commits a transaction of 10 events over 100 aggregates every 10 ms, in commit order. */
  private static final class Writer implements AutoCloseable {
    private final RelayFixture f;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, List<String>> expected = new LinkedHashMap<>();
    private volatile int written;

    Writer(RelayFixture f) {
      this.f = f;
    }

    void start() {
      scheduler.scheduleAtFixedRate(this::commitOne, 0, 10, TimeUnit.MILLISECONDS);
    }

    private void commitOne() {
      List<OutboxEvent> tx = RelayFixture.events("cart", 100, written, 10);
      try {
        f.commit(tx);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      for (OutboxEvent e : tx) {
        expected.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(e.id().toString());
      }
      written += tx.size();
    }

    int written() {
      return written;
    }

    void writeAtLeast(int n) {
      await().atMost(DEADLINE).until(() -> written >= n);
    }

    /** Stops writing; the events committed, per aggregate in commit order. */
    Map<String, List<String>> stop() throws InterruptedException {
      scheduler.shutdown();
      assertThat(scheduler.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      return expected;
    }

    @Override
    public void close() {
      scheduler.shutdownNow();
    }
  }
}
