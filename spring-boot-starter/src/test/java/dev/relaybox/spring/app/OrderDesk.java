package dev.relaybox.spring.app;

import dev.relaybox.outbox.OutboxEvent;
import dev.relaybox.spring.TransactionalOutbox;
import dev.relaybox.spring.test.events.TestOrderPlaced;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Places an order: its row and its event in one Spring transaction. */
@Service
public class OrderDesk {

  private final JdbcTemplate jdbc;
  private final TransactionalOutbox outbox;

  public OrderDesk(JdbcTemplate jdbc, TransactionalOutbox outbox) {
    this.jdbc = jdbc;
    this.outbox = outbox;
  }

  /** Inserts the order and publishes TestOrderPlaced; throws after both when {@code fail}. */
  @Transactional
  public UUID place(String orderId, String note, boolean fail) {
    jdbc.update("INSERT INTO test_orders (order_id, note) VALUES (?, ?)", orderId, note);
    UUID id =
        outbox.publish(
            OutboxEvent.of(
                "order",
                orderId,
                TestOrderPlaced.newBuilder()
                    .setEventId(OutboxEvent.newEventId())
                    .setOrderId(orderId)
                    .setNote(note)
                    .build()));
    if (fail) {
      throw new IllegalStateException("order " + orderId + " fails after publishing");
    }
    return id;
  }
}
