package dev.relaybox.examples.orders.payments.internal;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import dev.relaybox.examples.orders.events.RefundIssued;
import dev.relaybox.examples.orders.events.RefundPayment;
import dev.relaybox.examples.orders.payments.ChargeResult;
import dev.relaybox.examples.orders.payments.PaymentsHandler;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One handler for the payments group: {@code ChargePayment} goes to {@link PaymentsHandler} (the
 * charge), {@code RefundPayment} is refunded here with {@code Idempotency-Key} = its {@code
 * requestId}. Stateless, so thread-safe: the runner calls it for different orders at once.
 */
public final class ChargesAndRefunds implements TwoPhaseEventHandler<Object> {

  private static final Logger log = LoggerFactory.getLogger(ChargesAndRefunds.class);

  private final PaymentsHandler charges;
  private final GatewayClient gateway;
  private final Outbox outbox;
  private final String insertRefund;

  public ChargesAndRefunds(
      PaymentsHandler charges, GatewayClient gateway, Outbox outbox, String schema) {
    this.charges = charges;
    this.gateway = gateway;
    this.outbox = outbox;
    this.insertRefund =
        "INSERT INTO \""
            + schema
            + "\".refunds (event_id, order_id, refund_id, payment_id, amount_minor, currency,"
            + " reason) VALUES (?, ?, ?, ?, ?, ?, ?)";
  }

  @Override
  public Object call(ConsumedEvent event) throws Exception {
    if (event.value() instanceof RefundPayment refund) {
      return gateway.refund(refund.getRequestId(), refund.getPaymentId(), refund.getAmountMinor());
    }
    return charges.call(event);
  }

  @Override
  public void record(ConsumedEvent event, Object result, Connection tx) throws Exception {
    if (event.value() instanceof RefundPayment refund
        && result instanceof GatewayClient.Refund done) {
      recordRefund(event, refund, done, tx);
    } else if (result instanceof ChargeResult charge) {
      charges.record(event, charge, tx);
    }
  }

  private void recordRefund(
      ConsumedEvent event, RefundPayment refund, GatewayClient.Refund done, Connection tx)
      throws Exception {
    try (PreparedStatement ps = tx.prepareStatement(insertRefund)) {
      ps.setObject(1, event.eventId());
      ps.setString(2, refund.getOrderId());
      ps.setString(3, done.id());
      ps.setString(4, refund.getPaymentId());
      ps.setLong(5, refund.getAmountMinor());
      ps.setString(6, refund.getCurrency());
      ps.setString(7, refund.getReason());
      ps.executeUpdate();
    }
    outbox.publish(
        tx,
        OutboxEvent.of(
            PaymentsHandler.AGGREGATE_TYPE,
            refund.getOrderId(),
            RefundIssued.newBuilder()
                // Derived from the input event id, as PaymentsHandler does for charges.
                .setEventId(
                    UUID.nameUUIDFromBytes(
                        ("refunds:" + event.eventId()).getBytes(StandardCharsets.UTF_8)))
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
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
}
