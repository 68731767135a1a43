package dev.relaybox.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import dev.relaybox.relay.internal.RelaySettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kafka and Postgres go down under a running exactly-once relay; it recovers by itself, and a
 * read_committed reader sees every event exactly once.
 */
@ExtendWith(DevStackExtension.class)
@IsolatedDevStack(schemaRegistry = false)
class RelayOutageIT {
  private static final int PER_TX = 20;

  @Test
  void kafkaStoppedForThirtySecondsMidStream(DevStack stack) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack);
        Relay relay = Relay.create(f.config().set(RelaySettings.READY_STALL, "2000").build())) {
      stopKafkaUnderSteadyWrites(
          stack,
          f,
          relay,
          1000,
          Duration.ofSeconds(30),
          written -> {
            long writtenAtStop = written.get();
            // Truthful readiness: a batch Kafka does not take (or an engine restarting) is not
            // streaming, whatever the engine thread believes.
            await().atMost(Duration.ofSeconds(20)).until(() -> !relay.isReady());
            assertThat(relay.notReadyReason()).isPresent();
            // The broker stays down for 30 s while events keep being committed; the relay must
            // neither fail nor give up.
            await()
                .during(Duration.ofSeconds(30))
                .atMost(Duration.ofSeconds(40))
                .until(relay::isHealthy);
            assertThat(written.get()).isGreaterThan(writtenAtStop);
          });
      await().atMost(Duration.ofSeconds(60)).until(relay::isReady);
    }
  }

  @Test
  void sendsFailingAfterTheDeliveryTimeoutRestartTheEngineWithoutLoss(DevStack stack)
      throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (RelayFixture f = RelayFixture.create(stack);
        Relay relay =
            Relay.create(
                f.config()
                    .set(RelaySettings.PRODUCER_PREFIX + "delivery.timeout.ms", "3000")
                    .set(RelaySettings.PRODUCER_PREFIX + "request.timeout.ms", "1000")
                    .set(RelaySettings.PRODUCER_PREFIX + "max.block.ms", "3000")
                    .build(),
                registry)) {
      stopKafkaUnderSteadyWrites(
          stack,
          f,
          relay,
          500,
          Duration.ofSeconds(60),
          written -> {
            // Sends now fail after 3 s: the batch is not committed and the engine stops. Its stop
            // may wait for Kafka (Kafka Connect's offset store closes its producer without a
            // timeout), so the restart is only checked once the broker is back.
            await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> registry.get("relaybox.relay.send.failures").counter().count() >= 1);
            assertThat(relay.isHealthy()).isTrue();
          });
      assertThat(registry.get("relaybox.relay.engine.restarts").counter().count())
          .isGreaterThanOrEqualTo(1);
      await().atMost(Duration.ofSeconds(60)).until(relay::isReady);
    }
  }

  @Test
  void postgresCrashedAndRestartedMidStream(DevStack stack) throws Exception {
    try (RelayFixture f = RelayFixture.create(stack);
        Relay relay = Relay.create(f.config().build())) {
      start(f, relay);
      long written = 0;
      for (int i = 0; i < 20; i++) {
        f.commit(RelayFixture.events("pay", 30, written, 200));
        written += 200;
      }
      try (TopicReader reader = new TopicReader(stack.kafka().bootstrapServers(), f.topic("pay"))) {
        await().atMost(Duration.ofSeconds(60)).until(() -> reader.poll() >= 200);
      }
      // Immediate stop (crash recovery on start): a fast shutdown waits for the relay's walsender
      // to have every WAL record confirmed, including the shutdown checkpoint, which the relay
      // (like any Debezium client) only confirms via the next heartbeat it cannot run any more.
      stack.postgres().crash();
      stack.postgres().start();
      for (int i = 0; i < 5; i++) {
        f.commit(RelayFixture.events("pay", 30, written, 200));
        written += 200;
      }
      assertAllArrive(stack, f, written);
      assertThat(relay.isHealthy()).isTrue();
      await().atMost(Duration.ofSeconds(60)).until(relay::isReady);
    }
  }

  /**
   * Starts the relay and a {@link #steadyWriter}; once {@code seenBeforeStop} events arrived, stops
   * the broker and runs {@code duringOutage}; then starts the broker, waits until 1000 more events
   * are committed within {@code catchUp}, stops writing and checks that every event arrived.
   */
  private static void stopKafkaUnderSteadyWrites(
      DevStack stack,
      RelayFixture f,
      Relay relay,
      int seenBeforeStop,
      Duration catchUp,
      Outage duringOutage)
      throws Exception {
    start(f, relay);
    AtomicLong written = new AtomicLong();
    ScheduledExecutorService writer = steadyWriter(f, written);
    try {
      try (TopicReader reader = new TopicReader(stack.kafka().bootstrapServers(), f.topic("pay"))) {
        await().atMost(Duration.ofSeconds(60)).until(() -> reader.poll() >= seenBeforeStop);
      }
      stack.kafka().stop();
      duringOutage.check(written);
      stack.kafka().start();
      long target = written.get() + 1000;
      await().atMost(catchUp).until(() -> written.get() >= target);
    } finally {
      writer.shutdown();
      assertThat(writer.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertAllArrive(stack, f, written.get());
  }

  /** What a test checks while the broker is down; {@code written} keeps counting. */
  @FunctionalInterface
  private interface Outage {
    void check(AtomicLong written) throws Exception;
  }

  private static void start(RelayFixture f, Relay relay) {
    f.createTopics("pay");
    relay.start();
    await().atMost(Duration.ofSeconds(60)).until(relay::isReady);
  }

  /** Commits {@value #PER_TX} events every 50 ms (400 events/s) while Postgres is up. */
  private static ScheduledExecutorService steadyWriter(RelayFixture f, AtomicLong written) {
    ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    writer.scheduleAtFixedRate(
        () -> {
          try {
            f.commit(RelayFixture.events("pay", 30, written.get(), PER_TX));
            written.addAndGet(PER_TX);
          } catch (Exception e) {
            throw new IllegalStateException("writer failed", e);
          }
        },
        0,
        50,
        TimeUnit.MILLISECONDS);
    return writer;
  }

  /** Every event arrived, once: nothing is written any more, so the log's end is final. */
  private static void assertAllArrive(DevStack stack, RelayFixture f, long expected) {
    try (TopicReader reader = new TopicReader(stack.kafka().bootstrapServers(), f.topic("pay"))) {
      await().atMost(Duration.ofSeconds(240)).until(() -> reader.poll() >= expected);
      reader.readToEnd(Duration.ofSeconds(60));
      System.out.printf(
          "RELAY OUTAGE TEST %s: events=%d received=%d duplicates=%d%n",
          f.name, expected, reader.records.size(), reader.duplicates());
      assertThat(reader.countById).hasSize((int) expected);
      assertThat(reader.duplicates()).as("duplicates").isZero();
    }
  }
}
