package dev.relaybox.consumers.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.EventHandler;
import dev.relaybox.consumers.RetryableEventException;
import dev.relaybox.consumers.TestSupport;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sagas against the devstack's Postgres and Kafka: replies flow through a {@link ConsumerRunner};
 * the commands are counted in the outbox table, the saga's state in its table.
 */
@ExtendWith(DevStackExtension.class)
class SagaIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private SagaFixture f;
  private DevStack stack;

  @BeforeEach
  void setUp(DevStack stack) throws Exception {
    this.stack = stack;
    f = new SagaFixture(stack);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void aRedeliveredReplyNeverAdvancesTheSagaTwice() throws Exception {
    assertThat(f.begin("s1")).isTrue();
    assertThat(f.begin("s1")).as("begin is idempotent").isFalse();
    assertThat(f.commands("s1")).containsExactly("charge");

    UUID chargeOk = UUID.randomUUID();
    // The first attempt's transaction dies after the saga moved: rolled back with its key.
    AtomicBoolean dieOnce = new AtomicBoolean(true);
    EventHandler replies = f.sagas.replyHandler(f.fulfilment, r -> replyOf(r.value()));
    try (ConsumerRunner runner =
        f.runner()
            .handler(
                (event, tx) -> {
                  replies.handle(event, tx);
                  if (dieOnce.compareAndSet(true, false)) {
                    throw new RetryableEventException("connection lost after the saga moved");
                  }
                })
            .build()
            .start()) {
      f.send(
          List.of(
              f.reply(chargeOk, "s1", "charge", "ok"),
              f.reply(chargeOk, "s1", "charge", "ok"), // the same event twice
              f.reply("s1", "charge", "ok"))); // the participant answered twice
      await().atMost(WAIT).until(() -> f.state("s1").currentStep().equals("reserve"));
      await().atMost(WAIT).until(() -> f.meter("relaybox.saga.replies.ignored") == 1.0);
      f.send(List.of(f.reply("s1", "reserve", "ok")));
      await().atMost(WAIT).until(() -> f.state("s1").status() == SagaStatus.COMPLETED);
    }
    // Replay: the group's offsets rewound to 0, every reply comes again.
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()))) {
      admin
          .alterConsumerGroupOffsets(
              f.group, Map.of(new TopicPartition(f.topic, 0), new OffsetAndMetadata(0)))
          .all()
          .get();
    }
    try (ConsumerRunner runner = f.runner().build().start()) {
      await()
          .atMost(WAIT)
          .until(() -> TestSupport.count(f.registry, "relaybox.consumer.events.duplicates") >= 3);
    }

    SagaState done = f.state("s1");
    assertThat(done.status()).isEqualTo(SagaStatus.COMPLETED);
    assertThat(done.completedSteps()).containsExactly("charge", "reserve", "email");
    assertThat(done.dataAsText()).isEqualTo("\"order s1+reserved\"");
    assertThat(f.commands("s1")).containsExactly("charge", "reserve");
    assertThat(f.emails("s1")).isEqualTo(1);
    assertThat(f.meter("relaybox.saga.replies.ignored")).isEqualTo(1.0);
  }

  @Test
  void aStepThatTimesOutIsCompensatedLastFirst() throws Exception {
    f.begin("s2");
    try (ConsumerRunner runner = f.runner().build().start()) {
      f.send(List.of(f.reply("s2", "charge", "ok")));
      await().atMost(WAIT).until(() -> f.state("s2").currentStep().equals("reserve"));
      // No reply to reserve: its 1 s deadline compensates it (it may have reserved), then charge.
      await().atMost(WAIT).until(() -> f.state("s2").status() == SagaStatus.COMPENSATING);
      assertThat(f.state("s2").lastError()).contains("step reserve: no reply within PT1S");
      assertThat(f.commands("s2")).containsExactly("charge", "reserve", "release");
      f.send(List.of(f.reply("s2", "reserve", "compensated")));
      await().atMost(WAIT).until(() -> f.commands("s2").size() == 4);
      f.send(List.of(f.reply("s2", "reserve", "ok"))); // late: ignored
      f.send(List.of(f.reply("s2", "charge", "compensated")));
      await().atMost(WAIT).until(() -> f.state("s2").status() == SagaStatus.COMPENSATED);
    }
    assertThat(f.commands("s2")).containsExactly("charge", "reserve", "release", "refund");
    assertThat(f.state("s2").compensatedSteps()).containsExactly("reserve", "charge");
    assertThat(f.emails("s2")).isZero();
    assertThat(f.meter("relaybox.saga.timeouts")).isEqualTo(1.0);
  }

  @Test
  void aCompensationThatFailsForGoodParksVisiblyAndCompletesAfterRetry() throws Exception {
    f.refundBroken.set(true);
    f.begin("s3");
    try (ConsumerRunner runner = f.runner().build().start()) {
      f.send(List.of(f.reply("s3", "charge", "ok")));
      await().atMost(WAIT).until(() -> f.state("s3").currentStep().equals("reserve"));
      f.send(List.of(f.reply("s3", "reserve", "failed:out of stock")));
      await().atMost(WAIT).until(() -> f.state("s3").status() == SagaStatus.PARKED);
      SagaState parked = f.state("s3");
      assertThat(parked.parkedFrom()).isEqualTo(SagaStatus.COMPENSATING);
      assertThat(parked.currentStep()).isEqualTo("charge");
      assertThat(parked.lastError()).contains("payment gateway refuses refunds");
      await().atMost(WAIT).until(() -> f.meter("relaybox.saga.parked") == 1.0);
      // The failed compensation's command was rolled back with it.
      assertThat(f.commands("s3")).containsExactly("charge", "reserve");

      f.refundBroken.set(false);
      SagaState retried =
          SagaAdmin.of(f.ds, "public", f.keysTable).retry("fulfilment", "s3", "alice@ops");
      assertThat(retried.status()).isEqualTo(SagaStatus.COMPENSATING);
      assertThat(retried.operatorNote()).isEqualTo("retry by alice@ops");
      await().atMost(WAIT).until(() -> f.commands("s3").size() == 3);
      f.send(List.of(f.reply("s3", "charge", "compensated")));
      await().atMost(WAIT).until(() -> f.state("s3").status() == SagaStatus.COMPENSATED);
      await().atMost(WAIT).until(() -> f.meter("relaybox.saga.parked") == 0.0);
    }
    assertThat(f.commands("s3")).containsExactly("charge", "reserve", "refund");
  }

  @Test
  void aSagaThatStopsMovingCountsAsStuck() throws Exception {
    f.begin("s4"); // waits for its charge reply, which never comes, and has no deadline
    await().atMost(WAIT).until(() -> f.meter("relaybox.saga.stuck") == 1.0);
    assertThat(
            SagaAdmin.of(f.ds, "public", f.keysTable).list(null, null, Duration.ofSeconds(2), 10))
        .extracting(SagaState::sagaId)
        .containsExactly("s4");
  }

  private static SagaReply replyOf(Object value) {
    String[] parts = ((String) value).split("\\|", 3);
    return parts[2].equals("ok") ? SagaReply.succeeded(parts[0], parts[1]) : null;
  }
}
