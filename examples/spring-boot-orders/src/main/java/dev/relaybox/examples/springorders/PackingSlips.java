package dev.relaybox.examples.springorders;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.examples.springorders.events.OrderPlaced;
import dev.relaybox.spring.RelayboxListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Packs each placed order: one packing slip row, written with {@code JdbcTemplate} in the
 * transaction in which the starter records the event as processed, so a redelivered event never
 * packs twice.
 */
@Component
public class PackingSlips {

  /** The consumer group (and processed-keys group) of this listener. */
  public static final String GROUP = "packing";

  private final JdbcTemplate jdbc;

  public PackingSlips(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @RelayboxListener(group = GROUP, topics = "${orders.topic}")
  void pack(OrderPlaced order, ConsumedEvent event) {
    jdbc.update(
        "INSERT INTO packing_slips (order_id, event_id, sku, quantity) VALUES (?, ?, ?, ?)",
        order.getOrderId(),
        event.eventId(),
        order.getSku(),
        order.getQuantity());
  }
}
