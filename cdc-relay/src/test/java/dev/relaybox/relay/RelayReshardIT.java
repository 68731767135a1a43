package dev.relaybox.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.outbox.OutboxEvent;
import java.sql.SQLException;
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
    withWriter(
        stack,
        (f, writer, relays) -> {
          RelayConfig unsharded = f.config().set("heartbeat.interval.ms", "1000").build();
          Relay one = start(relays, unsharded);
          awaitReady(List.of(one));
          // The slot exists from here on: the writer starts, and commits through both reshards.
          writer.start();
          writer.writeAtLeast(500);

          // 1 → 2.
          assertThat(Reshard.start(unsharded, 2)).isNotBlank();
          List<Relay> two = startShards(f, relays, 2);
          awaitReady(two);
          awaitRetired(one);
          one.close();
          // Started again, the retired relay reads the barrier again and retires again.
          awaitRetired(start(relays, unsharded));
          // A new shard restarted after the barrier resumes from its position.
          two.get(0).close();
          two.set(0, start(relays, RelayShardIT.shard(f, 2, 0)));
          awaitReady(two);
          writer.writeAtLeast(writer.written() + 1_000);

          // 2 → 3 with old shard 1 down: the new shards hold at the barrier until it caught up.
          two.get(1).close();
          assertThat(Reshard.start(RelayShardIT.shard(f, 2, 0), 3)).isNotBlank();
          List<Relay> three = startShards(f, relays, 3);
          awaitRetired(two.get(0));
          await()
              .atMost(DEADLINE)
              .until(
                  () ->
                      three.stream()
                          .anyMatch(
                              r -> r.notReadyReason().orElse("").contains("1 of 2 old shards")));
          writer.writeAtLeast(writer.written() + 500);
          awaitRetired(start(relays, RelayShardIT.shard(f, 2, 1)));
          awaitReady(three);
          writer.writeAtLeast(writer.written() + 500);
          assertEveryEventOnce(stack, f, writer.stop());
          assertThat(reached(f)).isEqualTo("1/0,2/0,2/1");
        });
  }

  @Test
  void removingShardsWhileEventsFlowLosesAndDoublesNothing(DevStack stack) throws Exception {
    withWriter(
        stack,
        (f, writer, relays) -> {
          List<Relay> two = startShards(f, relays, 2);
          awaitReady(two);
          writer.start();
          writer.writeAtLeast(500);

          // 2 → 1: the unsharded relay's slot and publication are new.
          assertThat(Reshard.start(RelayShardIT.shard(f, 2, 1), 1)).isNotBlank();
          Relay one = start(relays, f.config().build());
          two.forEach(RelayReshardIT::awaitRetired);
          awaitReady(List.of(one));
          writer.writeAtLeast(writer.written() + 1_000);
          assertEveryEventOnce(stack, f, writer.stop());
          assertThat(reached(f)).isEqualTo("2/0,2/1");
        });
  }

  /**
   * Runs {@code test} on a fixture of its own with the topics {@code cart} and {@code
   * relaybox.reshard} (where a published barrier row would land) and a writer; closes every relay
   * it started and drops the shards' slots and publications.
   */
  private static void withWriter(DevStack stack, WriterTest test) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack);
        Writer writer = new Writer(f)) {
      f.createTopics("cart", "relaybox.reshard");
      List<Relay> relays = new ArrayList<>();
      try {
        test.run(f, writer, relays);
      } finally {
        relays.forEach(Relay::close);
        RelayShardIT.dropShards(f);
      }
    }
  }

  @FunctionalInterface
  private interface WriterTest {
    void run(RelayFixture f, Writer writer, List<Relay> relays) throws Exception;
  }

  /**
   * A read_committed reader sees every event once, in commit order per aggregate, and nothing else:
   * no barrier row, on its own topic or the dead-letter topic.
   */
  private static void assertEveryEventOnce(
      DevStack stack, RelayFixture f, Map<String, List<String>> expected) {
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
  }

  /** Starts the relays of {@code count} shards. */
  private static List<Relay> startShards(RelayFixture f, List<Relay> relays, int count) {
    List<Relay> started = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      started.add(start(relays, RelayShardIT.shard(f, count, i)));
    }
    return started;
  }

  private static void awaitReady(List<Relay> relays) {
    for (Relay relay : relays) {
      await().atMost(DEADLINE).until(relay::isReady);
    }
  }

  private static void awaitRetired(Relay relay) {
    await()
        .atMost(DEADLINE)
        .until(() -> relay.failure().map(e -> e.getMessage().contains("is retired")).orElse(false));
  }

  private static Relay start(List<Relay> all, RelayConfig config) {
    Relay relay = Relay.create(config);
    all.add(relay);
    relay.start();
    return relay;
  }

  /** {@code <shard count>/<shard index>,…} of the shards recorded as having reached a barrier. */
  private static String reached(RelayFixture f) throws SQLException {
    return f.queryString(
        "SELECT string_agg(shard_count || '/' || shard_index, ',' ORDER BY shard_count,"
            + " shard_index) FROM public.relaybox_reshard_shard WHERE barrier_id IN"
            + " (SELECT barrier_id FROM public.relaybox_reshard WHERE outbox ="
            + " '\"public\".\""
            + f.table
            + "\"')");
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
