package dev.relaybox.consumers;

import static dev.relaybox.consumers.TestSupport.bodies;
import static dev.relaybox.consumers.TestSupport.event;
import static dev.relaybox.consumers.TestSupport.header;
import static dev.relaybox.consumers.TestSupport.queryLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A permanent failure under each {@link DeadKeyPolicy}: with PARK_KEY the key's later events wait
 * behind the dead event until an operator redrives it (all then apply in order, once) or discards
 * it (the rest apply in order); with SKIP they go on at once. Other keys never wait.
 */
class ParkKeyRedriveIT extends EffectsTopicTestBase {

  private final AtomicBoolean broken = new AtomicBoolean(true);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  ParkKeyRedriveIT() {
    super("park", 2, 10);
  }

  @BeforeEach
  void createDeadLetterTopic(DevStack stack) {
    stack.kafka().createTopic(group + ".dlq", 1);
  }

  /** y-3 fails for good while {@link #broken}; every other event applies. */
  private ConsumerRunner start(DevStack stack, DeadKeyPolicy policy) {
    EventHandler effect = TestSupport.effectsHandler(effects);
    return TestSupport.runner(stack, ds, group, topic)
        .handler(
            (e, tx) -> {
              effect.handle(e, tx);
              if (e.value().equals("y-3") && broken.get()) {
                throw new PermanentEventException("y-3 has a bad total");
              }
            })
        .deadKeyPolicy(policy)
        .maxInFlight(8)
        .meterRegistry(registry)
        .build()
        .start();
  }

  /** y-1..y-6 among 60 events of other keys. */
  private void sendFirstEvents(DevStack stack) throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      if (i % 10 == 0) {
        records.add(event(topic, UUID.randomUUID(), "y", "y-" + (i / 10 + 1)));
      }
      records.add(event(topic, UUID.randomUUID(), "k" + (i % 6), "k-" + i));
    }
    TestSupport.sendAll(stack, records);
  }

  private void sendY(DevStack stack, int n) throws Exception {
    TestSupport.sendAll(stack, List.of(event(topic, UUID.randomUUID(), "y", "y-" + n)));
  }

  private DeadEvent awaitDead() throws Exception {
    DeadSet deadSet = TestSupport.deadSet(ds, group);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> deadSet.list(group, DeadEvent.State.DEAD, null, 10).size() == 1);
    return deadSet.list(group, DeadEvent.State.DEAD, null, 10).get(0);
  }

  @Test
  void parkKeyHoldsTheKeyUntilARedriveAppliesEverythingInOrderOnce(DevStack stack)
      throws Exception {
    sendFirstEvents(stack);
    Instant before = Instant.now();
    try (ConsumerRunner runner = start(stack, DeadKeyPolicy.PARK_KEY)) {
      DeadEvent dead = awaitDead();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  queryLong(ds, "SELECT count(*) FROM " + effects + " WHERE event_key <> 'y'")
                      == 60);
      assertThat(bodies(ds, effects, "y")).containsExactly("y-1", "y-2");
      assertThat(dead.reason()).isEqualTo(DeadLetterHeaders.REASON_PERMANENT);
      assertThat(dead.blocksKey()).isTrue();
      assertThat(dead.attempts()).isEqualTo(1);
      assertThat(dead.errorClass()).isEqualTo(PermanentEventException.class.getName());
      assertThat(dead.errorMessage()).isEqualTo("y-3 has a bad total");
      assertThat(new String(dead.key(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("y");
      assertThat(dead.diedAt()).isAfter(before.minusSeconds(1));
      // The later events of y wait in the retry set, behind the dead event, with no due time.
      await().atMost(Duration.ofSeconds(10)).until(() -> TestSupport.retryRows(ds, group) == 3);
      assertThat(
              queryLong(
                  ds,
                  "SELECT count(*) FROM "
                      + group
                      + "_keys_retry_set WHERE next_attempt_at IS NOT NULL"))
          .isZero();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> TestSupport.gauge(registry, ConsumerMetrics.PARKED_KEYS) == 1);
      assertThat(TestSupport.gauge(registry, ConsumerMetrics.DEAD_SET_SIZE)).isEqualTo(1);
      var copy = TestSupport.readTopic(stack, group + ".dlq", 1).get(0);
      assertThat(header(copy, DeadLetterHeaders.ORIGINAL_OFFSET))
          .isEqualTo(Long.toString(dead.offset()));
      assertThat(header(copy, ConsumedEvent.ID_HEADER)).isEqualTo(dead.eventId().toString());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  TestSupport.deadSet(ds, group)
                          .find(group, dead.id())
                          .orElseThrow()
                          .dlqPublishedAt()
                      != null);

      sendY(stack, 7); // arrives while y is held: it queues too
      await().atMost(Duration.ofSeconds(30)).until(() -> TestSupport.retryRows(ds, group) == 4);
      assertThat(bodies(ds, effects, "y")).containsExactly("y-1", "y-2");

      broken.set(false); // the fix is deployed
      DeadEvent redriven = TestSupport.deadSet(ds, group).redrive(group, dead.id(), "tester");
      assertThat(redriven.state()).isEqualTo(DeadEvent.State.REDRIVEN);
      assertThat(redriven.resolvedBy()).isEqualTo("tester");
      assertThat(redriven.resolvedAt()).isAfterOrEqualTo(dead.diedAt());
      assertThatThrownBy(() -> TestSupport.deadSet(ds, group).redrive(group, dead.id(), "again"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("redriven already, by tester");

      await().atMost(Duration.ofSeconds(60)).until(() -> bodies(ds, effects, "y").size() == 7);
      assertThat(bodies(ds, effects, "y"))
          .containsExactly("y-1", "y-2", "y-3", "y-4", "y-5", "y-6", "y-7");
      await().atMost(Duration.ofSeconds(10)).until(() -> TestSupport.retryRows(ds, group) == 0);
      sendY(stack, 8); // the key runs live again
      await().atMost(Duration.ofSeconds(30)).until(() -> bodies(ds, effects, "y").size() == 8);
    }
    assertThat(queryLong(ds, "SELECT count(DISTINCT event_id) FROM " + effects)).isEqualTo(68);
    assertThat(queryLong(ds, "SELECT count(*) FROM " + effects)).isEqualTo(68);
  }

  @Test
  void aDiscardReleasesTheKeyAndTheRestAppliesInOrder(DevStack stack) throws Exception {
    sendFirstEvents(stack);
    try (ConsumerRunner runner = start(stack, DeadKeyPolicy.PARK_KEY)) {
      DeadEvent dead = awaitDead();
      await().atMost(Duration.ofSeconds(10)).until(() -> TestSupport.retryRows(ds, group) == 3);
      DeadEvent discarded = TestSupport.deadSet(ds, group).discard(group, dead.id(), "tester");
      assertThat(discarded.state()).isEqualTo(DeadEvent.State.DISCARDED);
      assertThat(discarded.resolvedBy()).isEqualTo("tester");
      await().atMost(Duration.ofSeconds(60)).until(() -> bodies(ds, effects, "y").size() == 5);
      assertThat(bodies(ds, effects, "y")).containsExactly("y-1", "y-2", "y-4", "y-5", "y-6");
      await().atMost(Duration.ofSeconds(10)).until(() -> TestSupport.retryRows(ds, group) == 0);
      sendY(stack, 7);
      await().atMost(Duration.ofSeconds(30)).until(() -> bodies(ds, effects, "y").size() == 6);
    }
    assertThat(TestSupport.deadSet(ds, group).list(group, null, null, 10)).hasSize(1);
  }

  @Test
  void skipLetsTheKeyGoOnAndARedriveAppliesTheDeadEventAfter(DevStack stack) throws Exception {
    sendFirstEvents(stack);
    try (ConsumerRunner runner = start(stack, DeadKeyPolicy.SKIP)) {
      DeadEvent dead = awaitDead();
      assertThat(dead.blocksKey()).isFalse();
      await().atMost(Duration.ofSeconds(60)).until(() -> bodies(ds, effects, "y").size() == 5);
      assertThat(bodies(ds, effects, "y")).containsExactly("y-1", "y-2", "y-4", "y-5", "y-6");
      assertThat(TestSupport.retryRows(ds, group)).isZero();
      broken.set(false);
      TestSupport.deadSet(ds, group).redrive(group, dead.id(), "tester");
      await().atMost(Duration.ofSeconds(60)).until(() -> bodies(ds, effects, "y").size() == 6);
      assertThat(bodies(ds, effects, "y")).endsWith("y-3");
    }
    assertThat(queryLong(ds, "SELECT count(*) FROM " + effects)).isEqualTo(66);
  }
}
