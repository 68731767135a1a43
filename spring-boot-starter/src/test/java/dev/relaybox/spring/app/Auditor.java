package dev.relaybox.spring.app;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.outbox.OutboxEvent;
import dev.relaybox.spring.RelayboxListener;
import dev.relaybox.spring.TransactionalOutbox;
import dev.relaybox.spring.test.events.TestOrderPlaced;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A method listener: records an audit row and publishes a follow-up event, both joining the
 * framework's transaction through Spring.
 */
@Component
public class Auditor {

  private final JdbcTemplate jdbc;
  private final TransactionalOutbox outbox;

  public Auditor(JdbcTemplate jdbc, TransactionalOutbox outbox) {
    this.jdbc = jdbc;
    this.outbox = outbox;
  }

  @RelayboxListener(group = "${test.id}-audit", topics = "${test.id}.order")
  void audit(TestOrderPlaced order, ConsumedEvent event) {
    jdbc.update(
        "INSERT INTO test_audit (order_id, event_id, topic) VALUES (?, ?, ?)",
        order.getOrderId(),
        event.eventId(),
        event.topic());
    outbox.publish(
        OutboxEvent.of(
            "audit",
            order.getOrderId(),
            TestOrderPlaced.newBuilder(order).setEventId(OutboxEvent.newEventId()).build()));
  }
}
