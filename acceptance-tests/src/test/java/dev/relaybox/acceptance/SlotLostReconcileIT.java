package dev.relaybox.acceptance;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.dev.OrderKind;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import dev.relaybox.outbox.CleanupMode;
import dev.relaybox.relay.RelayException;
import dev.relaybox.runtime.CliRun;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery runbook, scenario 5: while the relay is down, its slot retains more WAL than {@code
 * max_slot_wal_keep_size} allows and Postgres invalidates it. {@code relaybox status} raises the
 * alert first and then shows the slot lost; the relay refuses to start, naming the last relayed
 * commit time; started over a new slot, {@code relaybox outbox reconcile} republishes exactly the
 * orders of the gap from the retained outbox, and every order gets each effect once.
 */
@IsolatedDevStack
@ExtendWith(DevStackExtension.class)
class SlotLostReconcileIT {
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  @Test
  void aSlotLostWhileTheRelayIsDownIsReconciledWithEffectsAppliedOnce(
      DevStack stack, @TempDir Path dir) throws Exception {
    try (DemoPipeline pipeline =
        DemoPipeline.builder(stack)
            .cleanup(CleanupMode.RETAIN)
            .relayProperties(
                p -> {
                  p.put("heartbeat.interval.ms", "500");
                  p.put("reconcile.max.transaction.age.ms", "2000");
                })
            .start()) {
      place(pipeline, 0, 5);
      await().atMost(DEADLINE).until(pipeline.thirdParties()::settled);
      Instant beforeGap = Instant.now().minusSeconds(5);

      pipeline.stopRelay();
      place(pipeline, 5, 25); // the gap: committed while the relay is down

      pipeline.execute("ALTER SYSTEM SET max_slot_wal_keep_size = '64MB'");
      pipeline.execute("SELECT pg_reload_conf()");
      pipeline.execute("CREATE TABLE filler (t text)");
      await()
          .atMost(DEADLINE)
          .until(
              () -> {
                writeWalSegment(pipeline, false);
                return status(stack, "--json").at("/slot/walAlert").asBoolean();
              });
      assertThat(status(stack, "--json").at("/slot/maxWalKeepSizeBytes").asLong())
          .isEqualTo(64L * 1024 * 1024);
      assertThat(statusText(stack)).contains("ALERT, the slot is close to being invalidated");
      await()
          .atMost(DEADLINE)
          .until(
              () -> {
                writeWalSegment(pipeline, true);
                return status(stack, "--json").at("/slot/invalidated").asBoolean();
              });
      assertThat(statusText(stack)).contains("WAL: LOST");

      assertThatThrownBy(pipeline::startRelay)
          .isInstanceOf(RelayException.class)
          .hasMessageContaining("Replication slot " + pipeline.slotName() + " was invalidated")
          .hasMessageContaining("last relayed commit at")
          .hasMessageContaining("relaybox outbox reconcile");

      pipeline.startRelay(Map.of("startup.allow.missing.slot", "true"));
      place(pipeline, 25, 30); // after the new slot: relayed as usual
      assertThat(pipeline.thirdParties().settled()).isFalse();

      Path config = relayConfig(pipeline, dir);
      // The default window ends where the relay has relayed everything: wait until it covers
      // the whole gap (20 orders, one OrderPlaced event each).
      await()
          .atMost(DEADLINE)
          .untilAsserted(
              () -> {
                CliRun dry = reconcile(config, beforeGap, "--dry-run");
                assertThat(dry.exit()).as(dry.err()).isZero();
                assertThat(dry.out()).contains("; 20 of them on none of");
              });
      CliRun run = reconcile(config, beforeGap, "--wait", "60s");
      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out()).contains("Re-inserted 20 event(s)");

      await()
          .atMost(DEADLINE)
          .untilAsserted(
              () ->
                  assertThat(pipeline.thirdParties().verify().rows()).allMatch(r -> r.lost() == 0));
      assertThat(pipeline.thirdParties().verify().passed()).isTrue();
      assertThat(pipeline.progress().placed()).isEqualTo(30);
      CliRun again = reconcile(config, beforeGap);
      assertThat(again.out()).as(again.err()).contains("Nothing to republish");
    }
  }

  private static void place(DemoPipeline pipeline, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      pipeline.placeOrder(i, OrderKind.of(i, true, false));
    }
  }

  /** About 1 MB of WAL, then a switch to a new 16 MB segment; a checkpoint removes old ones. */
  private static void writeWalSegment(DemoPipeline pipeline, boolean checkpoint) throws Exception {
    pipeline.execute("INSERT INTO filler SELECT repeat('x', 1000) FROM generate_series(1, 1000)");
    pipeline.execute("SELECT pg_switch_wal()");
    if (checkpoint) {
      pipeline.execute("CHECKPOINT");
    }
  }

  private static JsonNode status(DevStack stack, String... options) throws Exception {
    return new ObjectMapper().readTree(statusRun(stack, options).out());
  }

  private static String statusText(DevStack stack) {
    return statusRun(stack).out();
  }

  private static CliRun statusRun(DevStack stack, String... options) {
    String[] args = new String[options.length + 2];
    args[0] = "--bootstrap-servers";
    args[1] = stack.kafka().bootstrapServers();
    System.arraycopy(options, 0, args, 2, options.length);
    CliRun run = CliRun.withPostgres(stack, "status", args);
    assertThat(run.exit()).as(run.err()).isZero();
    return run;
  }

  private static CliRun reconcile(Path config, Instant from, String... options) {
    String[] args = new String[6 + options.length];
    args[0] = "outbox";
    args[1] = "reconcile";
    args[2] = "--config";
    args[3] = config.toString();
    args[4] = "--from";
    args[5] = from.toString();
    System.arraycopy(options, 0, args, 6, options.length);
    return CliRun.of(args);
  }

  private static Path relayConfig(DemoPipeline pipeline, Path dir) throws Exception {
    Properties p = new Properties();
    p.putAll(pipeline.relayProperties());
    Path file = dir.resolve("relay.properties");
    try (Writer w = Files.newBufferedWriter(file, UTF_8)) {
      p.store(w, "the demo pipeline's relay");
    }
    return file;
  }
}
