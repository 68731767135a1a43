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

/**
 * Two relay processes with the same {@code relay.name}: one is active (it holds the Postgres
 * advisory lock), the other a standby that says so in {@code /ready} and {@code
 * relaybox_relay_active}. A SIGKILLed active is replaced by the standby within seconds; a
 * SIGSTOPped active loses its lease, the standby takes over, and the old active, resumed, publishes
 * nothing: a read_committed reader sees every event exactly once.
 */
@ExtendWith(DevStackExtension.class)
class RelayStandbyIT {
  private static final int PER_TX = 10;

  @Test
  void theStandbyTakesOverAfterTheActiveIsKilled(DevStack stack, @TempDir Path dir)
      throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      f.createTopics("pay");
      Pair pair = startPair(f, dir, "kill");
      try {
        killed(stack, f, pair);
      } finally {
        pair.active.kill();
        pair.standby.kill();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> !f.slotActive());
    }
  }

  private static void killed(DevStack stack, RelayFixture f, Pair pair) throws Exception {
    AtomicLong written = new AtomicLong();
    AtomicReference<Exception> writeError = new AtomicReference<>();
    ScheduledExecutorService writer = steadyWriter(f, written, writeError);
    try {
      awaitWritten(written, 200);
      pair.active.kill();
      long killed = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> !pair.standby.isAlive() || pair.standby.status("/ready") == 200);
      long takeoverMs = Duration.ofNanos(System.nanoTime() - killed).toMillis();
      System.out.printf("RELAY STANDBY TAKEOVER after SIGKILL: %d ms%n", takeoverMs);
      assertThat(pair.standby.isAlive()).as("standby exited, see " + pair.log).isTrue();
      assertThat(pair.standby.body("/metrics")).contains("relaybox_relay_active 1.0");
      assertThat(takeoverMs).as("kill to standby streaming, ms").isLessThan(30_000);
      long after = written.get();
      awaitWritten(written, after + 200);
    } finally {
      writer.shutdown();
      assertThat(writer.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(writeError.get()).isNull();
    assertExactlyOnce(stack, f, written.get());
  }

  @Test
  void aPausedActiveLosesItsLeaseAndPublishesNothingWhenResumed(DevStack stack, @TempDir Path dir)
      throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      f.createTopics("pay");
      Pair pair = startPair(f, dir, "pause");
      try {
        paused(stack, f, pair);
      } finally {
        signal("CONT", pair.active.process.pid());
        pair.active.kill();
        pair.standby.kill();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> !f.slotActive());
    }
  }

  private static void paused(DevStack stack, RelayFixture f, Pair pair) throws Exception {
    AtomicLong written = new AtomicLong();
    AtomicReference<Exception> writeError = new AtomicReference<>();
    ScheduledExecutorService writer = steadyWriter(f, written, writeError);
    long pid = pair.active.process.pid();
    try {
      awaitWritten(written, 200);
      signal("STOP", pid);
      long paused = System.nanoTime();
      // Its lock session times out (lease.timeout.ms 3 s); the standby ends its walsender and
      // fences its producer. Events written meanwhile go through the new active only.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> !pair.standby.isAlive() || pair.standby.status("/ready") == 200);
      System.out.printf(
          "RELAY STANDBY TAKEOVER after SIGSTOP: %d ms%n",
          Duration.ofNanos(System.nanoTime() - paused).toMillis());
      assertThat(pair.standby.isAlive()).as("standby exited, see " + pair.log).isTrue();
      long after = written.get();
      awaitWritten(written, after + 200);
      signal("CONT", pid);
      // Resumed, the old active finds its lease gone (or its producer fenced) and stops
      // publishing: standby again, or stopped.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !pair.active.isAlive() || pair.active.status("/ready") == 503);
      awaitWritten(written, written.get() + 200);
    } finally {
      signal("CONT", pid);
      writer.shutdown();
      assertThat(writer.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(writeError.get()).isNull();
    assertExactlyOnce(stack, f, written.get());
    assertThat(pair.standby.status("/ready")).isEqualTo(200);
    assertThat(Files.readString(pair.log))
        .containsAnyOf("lost the active role", "fenced", "Fenced");
  }

  private record Pair(RelayProcess active, RelayProcess standby, Path log) {}

  /** Starts one relay, waits until it streams, then a second with the same name: a standby. */
  private static Pair startPair(RelayFixture f, Path dir, String test) throws Exception {
    Path log = Path.of("target", "relay-standby-" + test + "-" + f.id + ".log");
    Files.createDirectories(log.getParent());
    int portA = RelayFixture.freePort();
    RelayProcess a = RelayProcess.start(config(f, dir, "a", portA), portA, log);
    RelayProcess[] started = new RelayProcess[1];
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> !a.isAlive() || a.status("/ready") == 200);
      assertThat(a.isAlive()).as("relay exited, see " + log).isTrue();
      int portB = RelayFixture.freePort();
      RelayProcess b = RelayProcess.start(config(f, dir, "b", portB), portB, log);
      started[0] = b;
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .until(() -> !b.isAlive() || b.body("/ready").contains("standby"));
      assertThat(b.isAlive()).as("standby exited, see " + log).isTrue();
      assertThat(b.status("/ready")).isEqualTo(503);
      assertThat(b.status("/health")).isEqualTo(200);
      assertThat(b.body("/metrics")).contains("relaybox_relay_active 0.0");
      assertThat(a.body("/metrics")).contains("relaybox_relay_active 1.0");
      assertThat(a.status("/ready")).isEqualTo(200);
      return new Pair(a, b, log);
    } catch (Exception | Error e) {
      a.kill();
      if (started[0] != null) {
        started[0].kill();
      }
      throw e;
    }
  }

  private static Path config(RelayFixture f, Path dir, String which, int port) throws Exception {
    Properties overrides = new Properties();
    overrides.setProperty("http.host", "127.0.0.1");
    overrides.setProperty("http.port", Integer.toString(port));
    overrides.setProperty("lease.timeout.ms", "3000");
    overrides.setProperty("standby.poll.ms", "200");
    Path sub = Files.createDirectories(dir.resolve(which));
    return f.propertiesFile(sub, overrides);
  }

  /** Commits {@value #PER_TX} events every 50 ms. */
  private static ScheduledExecutorService steadyWriter(
      RelayFixture f, AtomicLong written, AtomicReference<Exception> error) {
    ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    writer.scheduleAtFixedRate(
        () -> {
          try {
            f.commit(RelayFixture.events("pay", 20, written.get(), PER_TX));
            written.addAndGet(PER_TX);
          } catch (Exception e) {
            error.compareAndSet(null, e);
          }
        },
        0,
        50,
        TimeUnit.MILLISECONDS);
    return writer;
  }

  private static void awaitWritten(AtomicLong written, long n) {
    await().atMost(Duration.ofSeconds(60)).until(() -> written.get() >= n);
  }

  private static void assertExactlyOnce(DevStack stack, RelayFixture f, long events) {
    try (TopicReader reader = new TopicReader(stack.kafka().bootstrapServers(), f.topic("pay"))) {
      await().atMost(Duration.ofSeconds(120)).until(() -> reader.poll() >= events);
      reader.readToEnd(Duration.ofSeconds(30));
      assertThat(reader.countById).hasSize((int) events);
      assertThat(reader.duplicates()).as("duplicates seen by a read_committed reader").isZero();
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }
}
