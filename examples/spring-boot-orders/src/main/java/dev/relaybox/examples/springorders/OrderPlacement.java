package dev.relaybox.examples.springorders;

import dev.relaybox.examples.springorders.events.OrderPlaced;
import dev.relaybox.outbox.OutboxEvent;
import dev.relaybox.spring.TransactionalOutbox;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Places orders: the order row and its {@code OrderPlaced} event commit together or not at all. */
@Service
public class OrderPlacement {

  /** The aggregate type: events go to the topic {@code outbox.event.order} by default. */
  public static final String AGGREGATE_TYPE = "order";

  private final JdbcTemplate jdbc;
  private final TransactionalOutbox outbox;

  public OrderPlacement(JdbcTemplate jdbc, TransactionalOutbox outbox) {
    this.jdbc = jdbc;
    this.outbox = outbox;
  }

  /**
   * Places an order.
   *
   * @return the event id of its {@code OrderPlaced}
   * @throws IllegalArgumentException for a quantity below 1; nothing is written
   * @throws org.springframework.dao.DuplicateKeyException if the order id exists; nothing is
   *     written
   */
  @Transactional
  public java.util.UUID place(String orderId, String customer, String sku, int quantity) {
    if (quantity < 1) {
      throw new IllegalArgumentException("quantity must be at least 1, was " + quantity);
    }
    jdbc.update(
        "INSERT INTO orders (order_id, customer, sku, quantity) VALUES (?, ?, ?, ?)",
        orderId,
        customer,
        sku,
        quantity);
    return outbox.publish(
        OutboxEvent.of(
            AGGREGATE_TYPE,
            orderId,
            OrderPlaced.newBuilder()
                .setEventId(OutboxEvent.newEventId())
                .setOrderId(orderId)
                .setCustomer(customer)
                .setSku(sku)
                .setQuantity(quantity)
                .build()));
  }
}
