package dev.relaybox.spring.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.relaybox.consumers.ConsumerMetrics;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import dev.relaybox.outbox.TransactionRequiredException;
import dev.relaybox.spring.TransactionalOutbox;
import dev.relaybox.spring.test.events.TestOrderPlaced;
import dev.relaybox.spring.testing.StackRelay;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter in a Spring Boot application on the dev stack, with a relay carrying the committed
 * outbox rows to Kafka: transactions decide what is published, listeners apply each event once, the
 * health indicator sees a stalled group.
 */
@ExtendWith(DevStackExtension.class)
@DirtiesContext // closed after this class, while the shared dev stack still runs
@SpringBootTest(
    properties = {
      "relaybox.outbox.cleanup-mode=RETAIN",
      "relaybox.consumer.stall-timeout=3s",
      "management.endpoint.health.show-details=always"
    })
class RelayboxStarterIT {

  private static final String ID = "sb" + Long.toString(System.nanoTime(), 36);
  private static DevStack stack;
  private static StackRelay relay;

  @Autowired OrderDesk desk;
  @Autowired LabelPrinter labels;
  @Autowired JdbcTemplate jdbc;
  @Autowired DataSource dataSource;
  @Autowired Outbox plainOutbox;
  @Autowired TransactionalOutbox outbox;
  @Autowired HealthEndpoint health;
  @Autowired MeterRegistry meters;

  @BeforeAll
  static void stack(DevStack devStack) {
    stack = devStack;
    stack.kafka().createTopic(StackRelay.topic(ID, "order"), 1);
    stack.kafka().createTopic(StackRelay.topic(ID, "audit"), 1);
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    StackRelay.register(registry, () -> stack, ID);
    registry.add("test.id", () -> ID);
  }

  /** The context has created the outbox table by now; the relay needs it. */
  @BeforeEach
  void relay() {
    synchronized (RelayboxStarterIT.class) {
      if (relay == null) {
        relay = StackRelay.start(stack, ID);
      }
    }
  }

  @AfterAll
  static void stopRelay() {
    if (relay != null) {
      relay.close();
    }
  }

  @Test
  void aRolledBackTransactionPublishesNothingAndACommittedOneIsConsumedOnce() {
    String rolledBack = ID + "-rolled-back";
    String committed = ID + "-committed";

    assertThatThrownBy(() -> desk.place(rolledBack, "fail", true))
        .hasMessageContaining("fails after publishing");
    UUID eventId = desk.place(committed, "ok", false);

    await("label of the committed order")
        .atMost(Duration.ofSeconds(60))
        .until(() -> count("test_labels", committed) == 1);
    await("audit of the committed order")
        .atMost(Duration.ofSeconds(60))
        .until(() -> count("test_audit", committed) == 1);
    await("notice of the committed order")
        .atMost(Duration.ofSeconds(60))
        .until(() -> count("test_notices", committed) == 1);
    // The relay publishes in commit order per partition: the committed order was written after the
    // rolled-back one, so had the latter reached the topic it would have been consumed first.
    assertThat(count("test_orders", rolledBack)).isZero();
    assertThat(outboxRows("order", rolledBack)).isZero();
    assertThat(count("test_labels", rolledBack)).isZero();
    assertThat(count("test_notices", rolledBack)).isZero();
    assertThat(labels.calls(rolledBack)).isZero();
    assertThat(outboxRows("order", committed)).isEqualTo(1);
    assertThat(labels.calls(committed)).isEqualTo(1);
    assertThat(
            jdbc.queryForObject(
                "SELECT event_id FROM test_labels WHERE order_id = ?", UUID.class, committed))
        .isEqualTo(eventId);
    // The method listener's follow-up event committed with its audit row, in its transaction.
    assertThat(outboxRows("audit", committed)).isEqualTo(1);
    assertThat(
            meters.get(ConsumerMetrics.PROCESSED).tag("group", ID + "-labels").counters().stream()
                .mapToDouble(c -> c.count())
                .sum())
        .isGreaterThanOrEqualTo(1);
    assertThat(status("relaybox")).isEqualTo(Status.UP);
    assertThat(status("relayboxReadiness")).isEqualTo(Status.UP);
  }

  @Test
  void publishingOutsideATransactionIsRefusedWithThePlainApisMessage() throws Exception {
    OutboxEvent event =
        OutboxEvent.of(
            "order",
            ID + "-outside",
            TestOrderPlaced.newBuilder()
                .setEventId(UUID.randomUUID())
                .setOrderId(ID + "-outside")
                .setNote("outside")
                .build());
    String plainMessage;
    try (Connection autoCommit = dataSource.getConnection()) {
      autoCommit.setAutoCommit(true);
      plainMessage =
          assertThatThrownBy(() -> plainOutbox.publish(autoCommit, event))
              .isInstanceOf(TransactionRequiredException.class)
              .actual()
              .getMessage();
    }

    assertThatThrownBy(() -> outbox.publish(event))
        .isInstanceOf(TransactionRequiredException.class)
        .hasMessage(plainMessage);
    assertThat(outboxRows("order", ID + "-outside")).isZero();
  }

  @Test
  void theHealthIndicatorTurnsDownWhileTheListenersGroupStalls() {
    String stalled = ID + "-stalled";
    try {
      desk.place(stalled, "stall", false);
      await("the handler is stuck on the order")
          .atMost(Duration.ofSeconds(60))
          .until(() -> labels.calls(stalled) == 1);

      await("health DOWN")
          .atMost(Duration.ofSeconds(30))
          .until(() -> status("relaybox") == Status.DOWN);
      assertThat(group(ID + "-labels")).containsKey("problem");
      assertThat(group(ID + "-labels").get("problem").toString())
          .contains("has run for")
          .contains("relaybox.consumer.stall-timeout");
      assertThat(group(ID + "-audit")).doesNotContainKey("problem");
    } finally {
      labels.release();
    }
    await("health UP again")
        .atMost(Duration.ofSeconds(30))
        .until(() -> status("relaybox") == Status.UP);
    await("label of the stalled order")
        .atMost(Duration.ofSeconds(30))
        .until(() -> count("test_labels", stalled) == 1);
    assertThat(labels.calls(stalled)).isEqualTo(1);
  }

  private Status status(String indicator) {
    return health.healthForPath(indicator).getStatus();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> group(String group) {
    Health relaybox = (Health) health.healthForPath("relaybox");
    return (Map<String, Object>)
        ((Map<String, Object>) relaybox.getDetails().get("groups")).get(group);
  }

  private long count(String table, String orderId) {
    return jdbc.queryForObject(
        "SELECT count(*) FROM " + table + " WHERE order_id = ?", Long.class, orderId);
  }

  private long outboxRows(String aggregateType, String orderId) {
    return jdbc.queryForObject(
        "SELECT count(*) FROM public."
            + StackRelay.outboxTable(ID)
            + " WHERE aggregatetype = ? AND aggregateid = ?",
        Long.class,
        aggregateType,
        orderId);
  }
}
