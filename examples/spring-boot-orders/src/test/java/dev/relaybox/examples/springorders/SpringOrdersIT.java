package dev.relaybox.examples.springorders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.spring.testing.StackRelay;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The example application on the dev stack, with a relay between its outbox and Kafka. */
@ExtendWith(DevStackExtension.class)
@DirtiesContext // closed after this class, while the shared dev stack still runs
@SpringBootTest(properties = "relaybox.outbox.cleanup-mode=RETAIN")
class SpringOrdersIT {

  private static final String ID = "so" + Long.toString(System.nanoTime(), 36);
  private static DevStack stack;
  private static StackRelay relay;

  @Autowired OrderPlacement orders;
  @Autowired JdbcTemplate jdbc;
  @Autowired HealthEndpoint health;

  @BeforeAll
  static void stack(DevStack devStack) {
    stack = devStack;
    stack.kafka().createTopic(StackRelay.topic(ID, OrderPlacement.AGGREGATE_TYPE), 1);
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    StackRelay.register(registry, () -> stack, ID);
    registry.add("orders.topic", () -> StackRelay.topic(ID, OrderPlacement.AGGREGATE_TYPE));
  }

  @BeforeEach
  void relay() {
    synchronized (SpringOrdersIT.class) {
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
  void aPlacedOrderIsPackedOnceAndARejectedOneLeavesNoTrace() {
    String packed = ID + "-1";
    UUID eventId = orders.place(packed, "ada", "sku-1", 2);
    // The second placement of the same order id fails on the primary key after nothing else: the
    // transaction rolls back, and its OrderPlaced with it.
    assertThatThrownBy(() -> orders.place(packed, "bob", "sku-2", 1))
        .isInstanceOf(DuplicateKeyException.class);
    String rejected = ID + "-2";
    assertThatThrownBy(() -> orders.place(rejected, "eve", "sku-3", 0))
        .isInstanceOf(IllegalArgumentException.class);

    await("packing slip")
        .atMost(Duration.ofSeconds(60))
        .until(() -> count("packing_slips", packed) == 1);
    assertThat(
            jdbc.queryForObject(
                "SELECT event_id FROM packing_slips WHERE order_id = ?", UUID.class, packed))
        .isEqualTo(eventId);
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM public."
                    + StackRelay.outboxTable(ID)
                    + " WHERE aggregateid = ?",
                Long.class,
                packed))
        .as("one OrderPlaced for the order: the duplicate's rolled back")
        .isEqualTo(1);
    assertThat(count("orders", rejected)).isZero();
    assertThat(health.healthForPath("relaybox").getStatus()).isEqualTo(Status.UP);
  }

  private long count(String table, String orderId) {
    return jdbc.queryForObject(
        "SELECT count(*) FROM " + table + " WHERE order_id = ?", Long.class, orderId);
  }
}
