package dev.relaybox.examples.orders.fulfillment.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.RetryableEventException;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import dev.relaybox.examples.orders.events.FulfillmentRequested;
import dev.relaybox.examples.orders.events.OrderCancelled;
import dev.relaybox.examples.orders.events.OrderPlaced;
import dev.relaybox.examples.orders.events.PaymentCaptured;
import dev.relaybox.examples.orders.events.RefundIssued;
import dev.relaybox.examples.orders.events.RefundRequested;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shipments and the out-of-stock compensation; see {@code FulfillmentService}. Stateless, so
 * thread-safe: the runner calls it for different orders at once.
 */
public final class FulfillmentHandler implements TwoPhaseEventHandler<WarehouseClient.Decision> {

  private static final Logger log = LoggerFactory.getLogger(FulfillmentHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<WarehouseClient.Line>> LINES = new TypeReference<>() {};
  private static final String OUT_OF_STOCK = "OUT_OF_STOCK";

  private final WarehouseClient warehouse;
  private final DataSource dataSource;
  private final Outbox outbox;
  private final String warehouseId;
  private final String aggregateType;
  private final String orderAggregateType;
  private final String insertOrder;
  private final String selectLines;
  private final String markRequested;
  private final String markRefundRequested;
  private final String markCancelled;

  public FulfillmentHandler(
      WarehouseClient warehouse,
      DataSource dataSource,
      Outbox outbox,
      String schema,
      String warehouseId,
      String aggregateType,
      String orderAggregateType) {
    this.warehouse = warehouse;
    this.dataSource = dataSource;
    this.outbox = outbox;
    this.warehouseId = warehouseId;
    this.aggregateType = aggregateType;
    this.orderAggregateType = orderAggregateType;
    String table = "\"" + schema + "\".fulfillment_orders";
    this.insertOrder =
        "INSERT INTO "
            + table
            + " (order_id, customer_email, lines, status) VALUES (?, ?, ?, 'PLACED')"
            + " ON CONFLICT (order_id) DO NOTHING";
    this.selectLines = "SELECT lines FROM " + table + " WHERE order_id = ?";
    String payment = ", payment_id = ?, amount_minor = ?, currency = ?, updated_at = now()";
    this.markRequested =
        "UPDATE "
            + table
            + " SET status = 'SHIPMENT_REQUESTED', shipment_id = ?"
            + payment
            + " WHERE order_id = ? AND status = 'PLACED'";
    this.markRefundRequested =
        "UPDATE "
            + table
            + " SET status = 'REFUND_REQUESTED', refused_sku = ?"
            + payment
            + " WHERE order_id = ? AND status = 'PLACED'";
    this.markCancelled =
        "UPDATE "
            + table
            + " SET status = 'CANCELLED', updated_at = now()"
            + " WHERE order_id = ? AND status = 'REFUND_REQUESTED' RETURNING customer_email";
  }

  @Override
  public WarehouseClient.Decision call(ConsumedEvent event) throws Exception {
    if (!(event.value() instanceof PaymentCaptured payment)) {
      return null;
    }
    List<WarehouseClient.Line> lines = lines(payment.getOrderId());
    return warehouse.requestShipment(event.eventId(), payment.getOrderId(), lines);
  }

  @Override
  public void record(ConsumedEvent event, WarehouseClient.Decision decision, Connection tx)
      throws Exception {
    if (event.value() instanceof OrderPlaced order) {
      remember(order, tx);
    } else if (event.value() instanceof PaymentCaptured payment && decision != null) {
      decide(event, payment, decision, tx);
    } else if (event.value() instanceof RefundIssued refund) {
      cancelIfOurs(event, refund, tx);
    }
  }

  private void remember(OrderPlaced order, Connection tx) throws Exception {
    List<WarehouseClient.Line> lines =
        order.getLines().stream()
            .map(l -> new WarehouseClient.Line(l.getSku(), l.getQuantity()))
            .toList();
    try (PreparedStatement ps = tx.prepareStatement(insertOrder)) {
      ps.setString(1, order.getOrderId());
      ps.setString(2, order.getCustomerEmail());
      ps.setString(3, JSON.writeValueAsString(lines));
      ps.executeUpdate();
    }
  }

  /** The order's lines, read outside any transaction (a committed read is all the call needs). */
  private List<WarehouseClient.Line> lines(String orderId) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(selectLines)) {
      ps.setString(1, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          // PaymentCaptured arrived on its topic before OrderPlaced was consumed from the order
          // topic: the lines will be there once the order topic catches up.
          throw new RetryableEventException(
              "order " + orderId + " is paid but its OrderPlaced has not been consumed yet");
        }
        return JSON.readValue(rs.getString(1), LINES);
      }
    }
  }

  private void decide(
      ConsumedEvent event,
      PaymentCaptured payment,
      WarehouseClient.Decision decision,
      Connection tx)
      throws Exception {
    String orderId = payment.getOrderId();
    int updated;
    try (PreparedStatement ps =
        tx.prepareStatement(decision.outOfStock() ? markRefundRequested : markRequested)) {
      ps.setString(1, decision.outOfStock() ? decision.refusedSku() : decision.shipmentId());
      ps.setString(2, payment.getPaymentId());
      ps.setLong(3, payment.getAmountMinor());
      ps.setString(4, payment.getCurrency());
      ps.setString(5, orderId);
      updated = ps.executeUpdate();
    }
    if (updated == 0) {
      // A second PaymentCaptured for one order: the state machine has moved on; do not act twice.
      log.warn(
          "payment ignored: order already past PLACED eventId={} orderId={}",
          event.eventId(),
          orderId);
      return;
    }
    if (decision.outOfStock()) {
      outbox.publish(
          tx,
          OutboxEvent.of(
              aggregateType,
              orderId,
              RefundRequested.newBuilder()
                  .setEventId(followUpId(event))
                  .setOccurredAt(now())
                  .setOrderId(orderId)
                  .setPaymentId(payment.getPaymentId())
                  .setReason(OUT_OF_STOCK)
                  .setAmountMinor(payment.getAmountMinor())
                  .setCurrency(payment.getCurrency())
                  .build()));
      log.info(
          "out of stock, refund requested eventId={} orderId={} sku={}",
          event.eventId(),
          orderId,
          decision.refusedSku());
    } else {
      outbox.publish(
          tx,
          OutboxEvent.of(
              aggregateType,
              orderId,
              FulfillmentRequested.newBuilder()
                  .setEventId(followUpId(event))
                  .setOccurredAt(now())
                  .setOrderId(orderId)
                  .setWarehouseId(warehouseId)
                  .build()));
      log.info(
          "shipment requested eventId={} orderId={} shipmentId={}",
          event.eventId(),
          orderId,
          decision.shipmentId());
    }
  }

  private void cancelIfOurs(ConsumedEvent event, RefundIssued refund, Connection tx)
      throws SQLException {
    String orderId = refund.getOrderId();
    String customerEmail = null;
    try (PreparedStatement ps = tx.prepareStatement(markCancelled)) {
      ps.setString(1, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          customerEmail = rs.getString(1);
        }
      }
    }
    if (customerEmail == null) {
      log.info(
          "refund not requested by fulfillment, ignored eventId={} orderId={}",
          event.eventId(),
          orderId);
      return;
    }
    outbox.publish(
        tx,
        OutboxEvent.of(
            orderAggregateType,
            orderId,
            OrderCancelled.newBuilder()
                .setEventId(followUpId(event))
                .setOccurredAt(now())
                .setOrderId(orderId)
                .setCustomerEmail(customerEmail)
                .setReason(OUT_OF_STOCK)
                .build()));
    log.info("order cancelled after refund eventId={} orderId={}", event.eventId(), orderId);
  }

  /** Derived from the consumed event's id: the same input always yields the same follow-up id. */
  private static UUID followUpId(ConsumedEvent event) {
    return UUID.nameUUIDFromBytes(
        ("fulfillment:" + event.eventId()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
