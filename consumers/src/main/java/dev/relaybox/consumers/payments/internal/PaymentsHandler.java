package dev.relaybox.consumers.payments.internal;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import dev.relaybox.schemas.events.OrderPlaced;
import dev.relaybox.schemas.events.PaymentCaptured;
import dev.relaybox.schemas.events.PaymentDeclined;
import dev.relaybox.schemas.events.RefundIssued;
import dev.relaybox.schemas.events.RefundRequested;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charges on {@code OrderPlaced}, refunds on {@code RefundRequested}; see {@code PaymentsService}.
 * Called from the runner's poll thread only.
 */
public final class PaymentsHandler implements TwoPhaseEventHandler<Object> {

  private static final Logger log = LoggerFactory.getLogger(PaymentsHandler.class);

  private final GatewayClient gateway;
  private final Outbox outbox;
  private final String aggregateType;
  private final String insert;

  public PaymentsHandler(
      GatewayClient gateway, Outbox outbox, String schema, String aggregateType) {
    this.gateway = gateway;
    this.outbox = outbox;
    this.aggregateType = aggregateType;
    this.insert =
        "INSERT INTO \""
            + schema
            + "\".payments (event_id, order_id, kind, status, provider_id, amount_minor,"
            + " currency, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  }

  @Override
  public Object call(ConsumedEvent event) throws Exception {
    if (event.value() instanceof OrderPlaced order) {
      return gateway.charge(
          event.eventId(),
          order.getOrderId(),
          order.getAmountMinor(),
          order.getCurrency(),
          order.getCustomerId());
    }
    if (event.value() instanceof RefundRequested refund) {
      return gateway.refund(event.eventId(), refund.getPaymentId(), refund.getAmountMinor());
    }
    return null;
  }

  @Override
  public void record(ConsumedEvent event, Object result, Connection tx) throws Exception {
    if (event.value() instanceof OrderPlaced order
        && result instanceof GatewayClient.Charge charge) {
      recordCharge(event, order, charge, tx);
    } else if (event.value() instanceof RefundRequested refund
        && result instanceof GatewayClient.Refund done) {
      recordRefund(event, refund, done, tx);
    }
  }

  private void recordCharge(
      ConsumedEvent event, OrderPlaced order, GatewayClient.Charge charge, Connection tx)
      throws SQLException {
    insert(
        tx,
        event.eventId(),
        order.getOrderId(),
        "CHARGE",
        charge.captured() ? "CAPTURED" : "DECLINED",
        charge.id(),
        order.getAmountMinor(),
        order.getCurrency(),
        charge.declineReason());
    var payload =
        charge.captured()
            ? PaymentCaptured.newBuilder()
                .setEventId(UUID.randomUUID())
                .setOccurredAt(now())
                .setOrderId(order.getOrderId())
                .setPaymentId(charge.id())
                .setCustomerEmail(order.getCustomerEmail())
                .setAmountMinor(order.getAmountMinor())
                .setCurrency(order.getCurrency())
                .build()
            : PaymentDeclined.newBuilder()
                .setEventId(UUID.randomUUID())
                .setOccurredAt(now())
                .setOrderId(order.getOrderId())
                .setReason(charge.declineReason())
                .setAmountMinor(order.getAmountMinor())
                .setCurrency(order.getCurrency())
                .build();
    outbox.publish(tx, OutboxEvent.of(aggregateType, order.getOrderId(), payload));
    log.info(
        "charge recorded eventId={} orderId={} chargeId={} captured={}",
        event.eventId(),
        order.getOrderId(),
        charge.id(),
        charge.captured());
  }

  private void recordRefund(
      ConsumedEvent event, RefundRequested refund, GatewayClient.Refund done, Connection tx)
      throws SQLException {
    insert(
        tx,
        event.eventId(),
        refund.getOrderId(),
        "REFUND",
        "REFUNDED",
        done.id(),
        refund.getAmountMinor(),
        refund.getCurrency(),
        refund.getReason());
    outbox.publish(
        tx,
        OutboxEvent.of(
            aggregateType,
            refund.getOrderId(),
            RefundIssued.newBuilder()
                .setEventId(UUID.randomUUID())
                .setOccurredAt(now())
                .setOrderId(refund.getOrderId())
                .setRefundId(done.id())
                .setPaymentId(refund.getPaymentId())
                .setAmountMinor(refund.getAmountMinor())
                .setCurrency(refund.getCurrency())
                .build()));
    log.info(
        "refund recorded eventId={} orderId={} refundId={}",
        event.eventId(),
        refund.getOrderId(),
        done.id());
  }

  private void insert(
      Connection tx,
      UUID eventId,
      String orderId,
      String kind,
      String status,
      String providerId,
      long amountMinor,
      String currency,
      String detail)
      throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement(insert)) {
      ps.setObject(1, eventId);
      ps.setString(2, orderId);
      ps.setString(3, kind);
      ps.setString(4, status);
      ps.setString(5, providerId);
      ps.setLong(6, amountMinor);
      ps.setString(7, currency);
      ps.setString(8, detail);
      ps.executeUpdate();
    }
  }

  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
