package dev.relaybox.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import dev.relaybox.outbox.CleanupMode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay stalls (held before its next batch, its walsender connected) while Postgres invalidates
 * its slot for exceeding {@code max_slot_wal_keep_size}. The relay notices while running and stops
 * loudly instead of streaming on past the gap; restarted over a new slot with {@code
 * reconcile.after.slot.loss}, it republishes exactly the events of the gap from the retained
 * outbox: a read_committed reader then sees every event once.
 */
@ExtendWith(DevStackExtension.class)
@IsolatedDevStack(schemaRegistry = false)
class RelaySlotLossIT {
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  @Test
  void aSlotInvalidatedUnderAStalledRelayStopsItAndTheGapIsReconciled(
      DevStack stack, @TempDir Path dir) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack, 32, CleanupMode.RETAIN)) {
      f.createTopics("gap");
      RelayConfig.Builder config =
          f.config()
              .set("slot.monitor.interval.ms", "500")
              .set("heartbeat.interval.ms", "500")
              .set("reconcile.max.transaction.age.ms", "2000");
      List<UUID> ids = new ArrayList<>();
      try (Relay relay = Relay.create(config.build())) {
        relay.start();
        await().atMost(DEADLINE).until(relay::isReady);
        ids.addAll(f.commit(RelayFixture.events("gap", 5, 0, 50)));
        try (TopicReader reader = reader(stack, f)) {
          await().atMost(DEADLINE).until(() -> reader.poll() >= 50);
        }
      }

      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      Path marker = dir.resolve("stalled");
      Relay stalled;
      // The engine reads the pause point when it starts streaming, which may be a moment after
      // start() (the previous relay's lease can still be held: this one then takes over as a
      // standby), so the property stays until the relay is streaming.
      System.setProperty("relaybox.test.pause", "before-batch:1:" + marker);
      try {
        stalled = Relay.create(config.build(), meters);
        stalled.start();
        await().atMost(DEADLINE).until(stalled::isReady);
      } finally {
        System.clearProperty("relaybox.test.pause");
      }
      try (Relay relay = stalled) {
        ids.addAll(f.commit(RelayFixture.events("gap", 5, 50, 100))); // the gap
        await().atMost(DEADLINE).until(() -> Files.exists(marker));

        invalidateSlot(f);

        assertThat(relay.awaitTermination(DEADLINE)).isTrue();
        assertThat(relay.isReady()).isFalse();
        assertThat(relay.isHealthy()).isFalse();
        assertThat(relay.failure().orElseThrow().getMessage())
            .contains("Replication slot " + f.slot + " was invalidated")
            .contains("last relayed event " + ids.get(49) + " committed at")
            .contains("startup.allow.missing.slot=true")
            .contains("relaybox outbox reconcile");
        assertThat(meters.get("relaybox.relay.slot.invalidated").gauge().value()).isEqualTo(1.0);
      }

      try (Relay relay =
          Relay.create(
              config
                  .set("startup.allow.missing.slot", "true")
                  .set("reconcile.after.slot.loss", "true")
                  .build())) {
        relay.start();
        await().atMost(DEADLINE).until(relay::isReady);
        ids.addAll(f.commit(RelayFixture.events("gap", 5, 150, 20))); // after the new slot
        try (TopicReader reader = reader(stack, f)) {
          await().atMost(DEADLINE).until(() -> reader.poll() >= ids.size());
        }
      }
      try (TopicReader reader = reader(stack, f).readToEnd(Duration.ofSeconds(60))) {
        assertThat(reader.records).hasSize(ids.size());
        assertThat(reader.countById.keySet())
            .containsExactlyInAnyOrderElementsOf(ids.stream().map(UUID::toString).toList());
      }
    }
  }

  private static TopicReader reader(DevStack stack, RelayFixture f) {
    return new TopicReader(stack.kafka().bootstrapServers(), f.topic("gap"));
  }

  /**
   * Bounds slot retention to 64 MB, then writes and switches WAL segments and checkpoints until
   * Postgres has removed WAL the slot needs.
   */
  static void invalidateSlot(RelayFixture f) throws Exception {
    f.execute("ALTER SYSTEM SET max_slot_wal_keep_size = '64MB'");
    f.execute("SELECT pg_reload_conf()");
    String filler = "filler_" + f.id;
    f.execute("CREATE TABLE " + filler + " (t text)");
    try {
      await()
          .atMost(DEADLINE)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                f.execute(
                    "INSERT INTO "
                        + filler
                        + " SELECT repeat('x', 1000) FROM generate_series(1, 1000)");
                f.execute("SELECT pg_switch_wal()");
                f.execute("CHECKPOINT");
                return "lost".equals(f.walStatus());
              });
    } finally {
      f.execute("DROP TABLE " + filler);
      f.execute("ALTER SYSTEM RESET max_slot_wal_keep_size");
      f.execute("SELECT pg_reload_conf()");
    }
  }
}
