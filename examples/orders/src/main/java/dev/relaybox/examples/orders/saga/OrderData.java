package dev.relaybox.examples.orders.saga;

import dev.relaybox.examples.orders.events.OrderLine;
import dev.relaybox.examples.orders.events.OrderPlaced;
import java.util.Map;
import java.util.TreeMap;

/**
 * The data of an order-fulfilment saga, stored as JSON in the saga table: what the commands need
 * from the order, and what the participants answered.
 *
 * @param quantities units by SKU, the order lines summed
 * @param paymentId the captured charge (null until the charge step completes)
 * @param shipmentId the warehouse shipment (null until the ship step completes)
 * @param commands how many commands the saga has sent: each command's event id is derived from it,
 *     so an action rerun after a rollback or a replay sends the same id, and every committed
 *     command (retries and operator actions included) a new one
 */
public record OrderData(
    String orderId,
    String customerId,
    String customerEmail,
    long amountMinor,
    String currency,
    Map<String, Integer> quantities,
    String paymentId,
    String shipmentId,
    int commands) {

  /** Copies the map. */
  public OrderData {
    quantities = Map.copyOf(quantities);
  }

  /** The data of a new saga for {@code order}. */
  public static OrderData of(OrderPlaced order) {
    Map<String, Integer> quantities = new TreeMap<>();
    for (OrderLine line : order.getLines()) {
      quantities.merge(line.getSku(), line.getQuantity(), Integer::sum);
    }
    return new OrderData(
        order.getOrderId(),
        order.getCustomerId(),
        order.getCustomerEmail(),
        order.getAmountMinor(),
        order.getCurrency(),
        quantities,
        null,
        null,
        0);
  }

  /** This data with the captured charge. */
  public OrderData withPayment(String paymentId) {
    return new OrderData(
        orderId,
        customerId,
        customerEmail,
        amountMinor,
        currency,
        quantities,
        paymentId,
        shipmentId,
        commands);
  }

  /** This data with the shipment. */
  public OrderData withShipment(String shipmentId) {
    return new OrderData(
        orderId,
        customerId,
        customerEmail,
        amountMinor,
        currency,
        quantities,
        paymentId,
        shipmentId,
        commands);
  }

  /** This data with one more command sent. */
  public OrderData withCommandSent() {
    return new OrderData(
        orderId,
        customerId,
        customerEmail,
        amountMinor,
        currency,
        quantities,
        paymentId,
        shipmentId,
        commands + 1);
  }
}
