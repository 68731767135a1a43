package dev.relaybox.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay as a child process started while Postgres is down: it neither exits nor needs a
 * restart. It serves {@code /health} (200) and {@code /ready} (503, naming what it waits for, never
 * the password) and logs the wait; once Postgres is started it streams. SIGTERM ends the wait.
 */
@ExtendWith(DevStackExtension.class)
@IsolatedDevStack(schemaRegistry = false, peers = false)
class RelayWaitsForPostgresIT {

  @Test
  void startsWhilePostgresIsDownAndStreamsOnceItIsUp(DevStack stack, @TempDir Path dir)
      throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      f.createTopics("order");
      int port = RelayFixture.freePort();
      Path config = f.propertiesFile(dir, http(port));
      Path log = Path.of("target", "relay-waits-" + f.id + ".log");
      Files.createDirectories(log.getParent());
      stack.postgres().stop();
      RelayProcess relay = RelayProcess.start(config, port, log);
      try {
        String address = stack.postgres().host() + ":" + stack.postgres().port();
        // Still waiting a few backoff rounds later, and saying so in /ready and the log.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> !relay.isAlive() || relay.status("/ready") == 503 && waiting(relay, 3));
        assertThat(relay.isAlive()).as("relay exited, see " + log).isTrue();
        assertThat(relay.status("/health")).isEqualTo(200);
        assertThat(relay.body("/ready")).contains("waiting for Postgres at " + address);
        assertThat(Files.readString(log)).contains("waiting for Postgres at " + address);

        stack.postgres().start();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> !relay.isAlive() || relay.status("/ready") == 200);
        assertThat(relay.isAlive()).as("relay exited, see " + log).isTrue();
        // Written once the relay streams: its slot is new (created at its first run).
        f.commit(RelayFixture.events("order", 3, 0, 10));
        try (TopicReader reader =
            new TopicReader(stack.kafka().bootstrapServers(), f.topic("order"))) {
          await().atMost(Duration.ofSeconds(60)).until(() -> reader.poll() >= 10);
          assertThat(reader.duplicates()).isZero();
        }
        assertThat(Files.readString(log)).doesNotContain(stack.postgres().password());
      } finally {
        relay.kill();
      }
    }
  }

  @Test
  void sigtermEndsTheWaitCleanly(DevStack stack, @TempDir Path dir) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack)) {
      int port = RelayFixture.freePort();
      Path config = f.propertiesFile(dir, http(port));
      Path log = Path.of("target", "relay-waits-term-" + f.id + ".log");
      Files.createDirectories(log.getParent());
      stack.postgres().stop();
      RelayProcess relay = RelayProcess.start(config, port, log);
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> !relay.isAlive() || relay.status("/ready") == 503);
        assertThat(relay.isAlive()).as("relay exited, see " + log).isTrue();
        relay.process.destroy();
        assertThat(relay.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // 143 = 128 + SIGTERM once the shutdown hook has run; 1 would mean a failure.
        assertThat(relay.process.exitValue()).isIn(0, 143);
        assertThat(Files.readString(log)).contains("relay stopped name=" + f.name);
      } finally {
        relay.kill();
        stack.postgres().start();
      }
    }
  }

  /** Whether /ready says the relay is waiting, at attempt {@code attempt} or later. */
  private static boolean waiting(RelayProcess relay, int attempt) throws Exception {
    String body = relay.body("/ready");
    int at = body.indexOf("(attempt ");
    return at >= 0 && Integer.parseInt(body.substring(at + 9, body.indexOf(',', at))) >= attempt;
  }

  private static Properties http(int port) {
    Properties overrides = new Properties();
    overrides.setProperty("http.host", "127.0.0.1");
    overrides.setProperty("http.port", Integer.toString(port));
    return overrides;
  }
}
