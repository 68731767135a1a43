package dev.relaybox.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/**
 * The exactly-once relay killed with SIGKILL in each window of a batch, held there by a test pause
 * ({@code -Drelaybox.test.pause}): inside the Kafka transaction (records sent, not committed), and
 * between the commit and the slot confirmation; and a COPY whose rows share one LSN, cut after the
 * first of several batches. Each time the restarted relay leaves exactly one copy of every event
 * for a read_committed reader.
 */
@ExtendWith(DevStackExtension.class)
class RelayCrashWindowIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final Pattern ACK = Pattern.compile("\"relaybox_ack_lsn\":(\\d+)");

  @Test
  void killedInsideTheTransactionItsRecordsAreAbortedAndSentOnceAgain(
      DevStack stack, @TempDir Path dir) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      List<UUID> ids = backlogOfSingleEventTransactions(f, 60);
      Window w = pausedAt(f, dir, "in-tx:3", true, "10");
      try (TopicReader committed = read(stack, f, true);
          TopicReader uncommitted = read(stack, f, false)) {
        assertThat(uncommitted.records.size())
            .as("records of the open transaction are in the log")
            .isGreaterThan(committed.records.size());
      }
      w.relay.kill();
      assertExactlyOnceAfterRestart(stack, f, dir, w, ids);
      try (TopicReader uncommitted = read(stack, f, false)) {
        assertThat(uncommitted.records.size())
            .as("the aborted copies stay in the log, invisible to read_committed readers")
            .isGreaterThan(ids.size());
      }
    }
  }

  @Test
  void killedBetweenTheKafkaCommitAndTheSlotConfirmationNothingIsSentTwice(
      DevStack stack, @TempDir Path dir) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      List<UUID> ids = backlogOfSingleEventTransactions(f, 60);
      Window w = pausedAt(f, dir, "after-commit:3", true, "10");
      long committedAck = lastCommittedAck(stack, f);
      assertThat(confirmedFlushLsn(f))
          .as("the slot is confirmed behind what Kafka committed")
          .isLessThan(committedAck);
      try (TopicReader committed = read(stack, f, true)) {
        assertThat(committed.records).isNotEmpty();
      }
      w.relay.kill();
      assertExactlyOnceAfterRestart(stack, f, dir, w, ids);
      assertThat(Files.readString(w.log)).contains("advanced slot " + f.slot);
    }
  }

  @Test
  void aCopyWhoseRowsShareOneLsnIsCutAfterItsFirstBatch(DevStack stack, @TempDir Path dir)
      throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      Window w = pausedAt(f, dir, "after-commit:1", false, "2");
      List<UUID> ids = copy(f, 5);
      await().atMost(DEADLINE).until(() -> Files.exists(w.marker));
      try (TopicReader committed = read(stack, f, true)) {
        assertThat(committed.records).hasSizeLessThan(ids.size());
      }
      w.relay.kill();
      assertExactlyOnceAfterRestart(stack, f, dir, w, ids);
    }
  }

  private record Window(RelayProcess relay, Path config, Path log, Path marker, int port) {}

  /**
   * Starts the relay with batches of at most {@code maxBatch} records, to pause at {@code pause}
   * ({@code <point>:<n>}, counting batches with events); waits for the pause, or else only until it
   * streams.
   */
  private static Window pausedAt(
      RelayFixture f, Path dir, String pause, boolean awaitPause, String maxBatch)
      throws Exception {
    f.createTopics("stream");
    int port = RelayFixture.freePort();
    Properties overrides = new Properties();
    overrides.setProperty("http.host", "127.0.0.1");
    overrides.setProperty("http.port", Integer.toString(port));
    overrides.setProperty("max.batch.size", maxBatch);
    Path config = f.propertiesFile(dir, overrides);
    Path log = Path.of("target", "relay-window-" + f.id + ".log");
    Files.createDirectories(log.getParent());
    Path marker = dir.resolve("paused");
    RelayProcess relay =
        RelayProcess.start(config, port, log, "-Drelaybox.test.pause=" + pause + ":" + marker);
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                !relay.isAlive()
                    || (awaitPause ? Files.exists(marker) : relay.status("/ready") == 200));
    assertThat(relay.isAlive()).as("relay exited, see " + log).isTrue();
    return new Window(relay, config, log, marker, port);
  }

  private static void assertExactlyOnceAfterRestart(
      DevStack stack, RelayFixture f, Path dir, Window w, List<UUID> ids) throws Exception {
    RelayProcess relay = RelayProcess.start(w.config, w.port, w.log);
    try {
      try (TopicReader reader = read(stack, f, true)) {
        await().atMost(DEADLINE).until(() -> reader.poll() >= ids.size());
      }
      relay.process.destroy();
      assertThat(relay.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      try (TopicReader reader = read(stack, f, true)) {
        assertThat(reader.records).hasSize(ids.size());
        assertThat(reader.countById.keySet())
            .containsExactlyInAnyOrderElementsOf(ids.stream().map(UUID::toString).toList());
      }
    } finally {
      if (relay.isAlive()) {
        relay.kill();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> !f.slotActive());
    }
  }

  private static TopicReader read(DevStack stack, RelayFixture f, boolean committed) {
    return new TopicReader(committed, stack.kafka().bootstrapServers(), f.topic("stream"))
        .readToEnd(Duration.ofSeconds(60));
  }

  /** Creates the slot (relay started and stopped once), then commits {@code n} transactions. */
  private static List<UUID> backlogOfSingleEventTransactions(RelayFixture f, int n)
      throws Exception {
    f.createTopics("stream");
    try (Relay relay = Relay.create(f.config().build())) {
      relay.start();
      await().atMost(DEADLINE).until(relay::isReady);
    }
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.addAll(f.commit(List.of(RelayFixture.event("stream", "k" + (i % 7), i))));
    }
    return ids;
  }

  /** One COPY of {@code n} rows: Postgres logs them as one record, so they share one LSN. */
  private static List<UUID> copy(RelayFixture f, int n) throws Exception {
    List<UUID> ids = new ArrayList<>();
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < n; i++) {
      UUID id = UUID.randomUUID();
      ids.add(id);
      csv.append(id)
          .append(",stream,k")
          .append(i)
          .append(",Copied,\\x")
          .append(HexFormat.of().formatHex(f.payload(i)))
          .append('\n');
    }
    try (Connection c = f.stack.postgres().dataSource().getConnection()) {
      c.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(
              "COPY "
                  + f.table
                  + " (id, aggregatetype, aggregateid, type, payload) FROM STDIN WITH (FORMAT csv)",
              new StringReader(csv.toString()));
    }
    return ids;
  }

  private static long lastCommittedAck(DevStack stack, RelayFixture f) {
    long ack = -1;
    try (TopicReader offsets =
        new TopicReader(true, stack.kafka().bootstrapServers(), f.name + ".offsets")
            .readToEnd(Duration.ofSeconds(60))) {
      for (ConsumerRecord<byte[], byte[]> r : offsets.records) {
        if (r.value() != null) {
          Matcher m = ACK.matcher(new String(r.value(), StandardCharsets.UTF_8));
          if (m.find()) {
            ack = Long.parseLong(m.group(1));
          }
        }
      }
    }
    return ack;
  }

  private static long confirmedFlushLsn(RelayFixture f) throws Exception {
    try (Connection c = f.stack.postgres().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT pg_wal_lsn_diff(confirmed_flush_lsn, '0/0')::bigint"
                    + " FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, f.slot);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
