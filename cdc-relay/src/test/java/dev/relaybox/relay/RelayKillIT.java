package dev.relaybox.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay as a child process, SIGKILLed five times while 20,000 events stream through it: none
 * may be lost; the duplicates (re-sent after each kill) are counted and printed.
 */
@ExtendWith(DevStackExtension.class)
class RelayKillIT {
  private static final Logger LOG = LoggerFactory.getLogger(RelayKillIT.class);
  private static final int EVENTS = 20_000;
  private static final int KILLS = 5;
  private static final int PER_TX = 20;

  @Test
  void fiveKillsDuringTwentyThousandEventsLoseNothing(DevStack stack, @TempDir Path dir)
      throws Exception {
    try (RelayFixture f = RelayFixture.create(stack, 64)) {
      f.createTopics("stream");
      int port = RelayFixture.freePort();
      Properties overrides = new Properties();
      overrides.setProperty("http.host", "127.0.0.1");
      overrides.setProperty("http.port", Integer.toString(port));
      overrides.setProperty("slot.lag.poll.interval.ms", "1000");
      Path config = f.propertiesFile(dir, overrides);
      Path log = Path.of("target", "relay-kill-" + f.id + ".log");
      Files.createDirectories(log.getParent());

      RelayProcess relay = startReady(config, port, log);
      AtomicLong written = new AtomicLong();
      AtomicReference<Exception> writeError = new AtomicReference<>();
      ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
      // ~800 events/s in transactions of 20: the stream lasts about 25 s.
      writer.scheduleAtFixedRate(
          () -> {
            long seq = written.get();
            if (seq >= EVENTS) {
              return;
            }
            try {
              f.commit(RelayFixture.events("stream", 40, seq, PER_TX));
              written.addAndGet(PER_TX);
            } catch (Exception e) {
              writeError.compareAndSet(null, e);
            }
          },
          0,
          25,
          TimeUnit.MILLISECONDS);

      try (TopicReader reader =
          new TopicReader(stack.kafka().bootstrapServers(), f.topic("stream"))) {
        for (int kill = 1; kill <= KILLS; kill++) {
          int threshold = kill * EVENTS / (KILLS + 1);
          await().atMost(Duration.ofSeconds(90)).until(() -> reader.poll() >= threshold);
          relay.kill();
          LOG.info(
              "killed relay kill={} distinctReceived={} written={}",
              kill,
              reader.countById.size(),
              written.get());
          relay = startReady(config, port, log);
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> reader.poll() >= EVENTS);
        writer.shutdown();
        assertThat(writeError.get()).isNull();
        assertThat(written.get()).isEqualTo(EVENTS);

        String metrics = relay.body("/metrics");
        assertThat(metrics)
            .contains("relaybox_relay_events_published_total")
            .contains("relaybox_relay_slot_lag_bytes")
            .contains("relaybox_relay_batch_latency_seconds_count");

        int lost = EVENTS - reader.countById.size();
        String summary =
            String.format(
                "RELAY KILL TEST: events=%d kills=%d received=%d distinct=%d lost=%d"
                    + " duplicates=%d",
                EVENTS,
                KILLS,
                reader.records.size(),
                reader.countById.size(),
                lost,
                reader.duplicates());
        System.out.println(summary);
        LOG.info(summary);

        // Graceful stop: SIGTERM runs the shutdown hook (engine stop, offset commit); the JVM
        // then exits with 128 + SIGTERM.
        relay.process.destroy();
        assertThat(relay.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(relay.process.exitValue()).isIn(0, 143);
        assertThat(Files.readString(log)).contains("relay stopped name=" + f.name);
        assertThat(lost).isZero();
      } finally {
        writer.shutdownNow();
        if (relay.isAlive()) {
          relay.kill();
        }
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> !f.slotActive());
    }
  }

  private static RelayProcess startReady(Path config, int port, Path log) throws Exception {
    RelayProcess relay = RelayProcess.start(config, port, log);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !relay.isAlive() || relay.status("/ready") == 200);
    assertThat(relay.isAlive()).as("relay process exited, see " + log).isTrue();
    assertThat(relay.status("/health")).isEqualTo(200);
    return relay;
  }
}
