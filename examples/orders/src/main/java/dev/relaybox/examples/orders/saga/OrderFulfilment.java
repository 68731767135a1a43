package dev.relaybox.examples.orders.saga;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.saga.OnTimeout;
import dev.relaybox.consumers.saga.SagaContext;
import dev.relaybox.consumers.saga.SagaDataCodec;
import dev.relaybox.consumers.saga.SagaDefinition;
import dev.relaybox.consumers.saga.SagaReply;
import dev.relaybox.examples.orders.events.CancelShipment;
import dev.relaybox.examples.orders.events.ChargePayment;
import dev.relaybox.examples.orders.events.EmailRequested;
import dev.relaybox.examples.orders.events.PaymentCaptured;
import dev.relaybox.examples.orders.events.PaymentDeclined;
import dev.relaybox.examples.orders.events.RefundIssued;
import dev.relaybox.examples.orders.events.RefundPayment;
import dev.relaybox.examples.orders.events.ReleaseStock;
import dev.relaybox.examples.orders.events.ReserveStock;
import dev.relaybox.examples.orders.events.ShipOrder;
import dev.relaybox.examples.orders.events.ShipmentCancelled;
import dev.relaybox.examples.orders.events.ShipmentDispatched;
import dev.relaybox.examples.orders.events.ShipmentFailed;
import dev.relaybox.examples.orders.events.StockReleased;
import dev.relaybox.examples.orders.events.StockReserved;
import dev.relaybox.examples.orders.events.StockUnavailable;
import dev.relaybox.outbox.OutboxEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The order-fulfilment saga, one per order (saga id = order id):
 *
 * <pre>
 * placed  ─ (compensation: cancellation email)
 * charge  ─ ChargePayment → PaymentCaptured | PaymentDeclined;  compensation RefundPayment → RefundIssued
 * reserve ─ ReserveStock → StockReserved | StockUnavailable;    compensation ReleaseStock → StockReleased
 * ship    ─ ShipOrder → ShipmentDispatched | ShipmentFailed;    compensation CancelShipment → ShipmentCancelled
 *           (deadline: a timed-out shipment is compensated, starting with its own cancellation)
 * confirm ─ confirmation email
 * </pre>
 *
 * <p>A declined charge, a refused reservation (out of stock) or a failed or timed-out shipment
 * compensates the completed steps last first: cancel the shipment, release the stock, refund, send
 * the cancellation email. Commands go through the outbox in the saga's transaction, each with an
 * event id derived from the saga's command count ({@link OrderData#commands()}): a rerun after a
 * rollback or a replay sends the same id (deduplicated by the participant), every committed command
 * a new one. Each carries a {@code requestId} derived from (saga, step, phase) that the participant
 * sends to its third party as the {@code Idempotency-Key}, so a retried step or compensation never
 * acts twice there. The emails are local steps: the email command is the effect the saga asks for,
 * sent once by the email service (Message-ID = the command's event id), and nothing waits for it.
 */
public final class OrderFulfilment {

  /** The saga type ({@code saga_type} in the saga table, {@code relaybox sagas --type}). */
  public static final String TYPE = "order-fulfilment";

  /** Aggregate type of the payment commands: topic {@code outbox.event.payment-command}. */
  public static final String PAYMENT_COMMANDS = "payment-command";

  /** Aggregate type of the warehouse commands: topic {@code outbox.event.warehouse-command}. */
  public static final String WAREHOUSE_COMMANDS = "warehouse-command";

  /** Aggregate type of the email commands: topic {@code outbox.event.email-command}. */
  public static final String EMAIL_COMMANDS = "email-command";

  /** Aggregate type of the payments replies: topic {@code outbox.event.payment}. */
  public static final String PAYMENT_REPLIES = "payment";

  /** Aggregate type of the fulfillment replies: topic {@code outbox.event.fulfillment}. */
  public static final String WAREHOUSE_REPLIES = "fulfillment";

  /** Step names. */
  public static final String PLACED = "placed";

  public static final String CHARGE = "charge";
  public static final String RESERVE = "reserve";
  public static final String SHIP = "ship";
  public static final String CONFIRM = "confirm";

  /** Email templates. */
  public static final String ORDER_CONFIRMATION = "ORDER_CONFIRMATION";

  public static final String ORDER_CANCELLED = "ORDER_CANCELLED";

  /** {@code reason} of the refunds, releases and cancellations of a compensating saga. */
  public static final String ORDER_CANCELLED_REASON = "ORDER_CANCELLED";

  private OrderFulfilment() {}

  /**
   * The definition.
   *
   * @param replyDeadline how long the charge and the reservation wait for their reply before their
   *     command is sent again (same request id)
   * @param shipDeadline how long the shipment (and its cancellation) waits for its reply; a
   *     shipment past it is compensated
   * @param warehouseId the {@code warehouseId} of {@code ShipOrder}
   */
  public static SagaDefinition<OrderData> definition(
      Duration replyDeadline, Duration shipDeadline, String warehouseId) {
    Objects.requireNonNull(warehouseId, "warehouseId must not be null");
    return SagaDefinition.builder(TYPE, SagaDataCodec.json(OrderData.class))
        .step(PLACED)
        .compensation(s -> email(s, ORDER_CANCELLED, "Your order %s was cancelled"))
        .local()
        .step(CHARGE)
        .action(s -> publish(s, PAYMENT_COMMANDS, charge(s)))
        .compensation(s -> publish(s, PAYMENT_COMMANDS, refund(s)))
        .deadline(replyDeadline, OnTimeout.RETRY)
        .onReply(
            (data, event) -> data.withPayment(event.value(PaymentCaptured.class).getPaymentId()))
        .step(RESERVE)
        .action(s -> publish(s, WAREHOUSE_COMMANDS, reserve(s)))
        .compensation(s -> publish(s, WAREHOUSE_COMMANDS, release(s)))
        .deadline(replyDeadline, OnTimeout.RETRY)
        .step(SHIP)
        .action(s -> publish(s, WAREHOUSE_COMMANDS, ship(s, warehouseId)))
        .compensation(s -> publish(s, WAREHOUSE_COMMANDS, cancelShipment(s)))
        .deadline(shipDeadline, OnTimeout.COMPENSATE)
        .onReply(
            (data, event) ->
                data.withShipment(event.value(ShipmentDispatched.class).getShipmentId()))
        .step(CONFIRM)
        .action(s -> email(s, ORDER_CONFIRMATION, "Your order %s has shipped"))
        .local()
        .build();
  }

  /**
   * The saga reply an event is, or null: the payments and fulfillment services' replies to the
   * commands above, by event type.
   */
  public static SagaReply reply(ConsumedEvent event) {
    Object value = event.value();
    if (value instanceof PaymentCaptured r) {
      return SagaReply.succeeded(r.getOrderId(), CHARGE);
    } else if (value instanceof PaymentDeclined r) {
      return SagaReply.failed(r.getOrderId(), CHARGE, "payment declined: " + r.getReason());
    } else if (value instanceof RefundIssued r) {
      return SagaReply.compensated(r.getOrderId(), CHARGE);
    } else if (value instanceof StockReserved r) {
      return SagaReply.succeeded(r.getOrderId(), RESERVE);
    } else if (value instanceof StockUnavailable r) {
      return SagaReply.failed(r.getOrderId(), RESERVE, "out of stock: " + r.getSku());
    } else if (value instanceof StockReleased r) {
      return SagaReply.compensated(r.getOrderId(), RESERVE);
    } else if (value instanceof ShipmentDispatched r) {
      return SagaReply.succeeded(r.getOrderId(), SHIP);
    } else if (value instanceof ShipmentFailed r) {
      return SagaReply.failed(r.getOrderId(), SHIP, "shipment failed: " + r.getReason());
    } else if (value instanceof ShipmentCancelled r) {
      return SagaReply.compensated(r.getOrderId(), SHIP);
    }
    return null;
  }

  /**
   * The Idempotency-Key of a step's (or its compensation's) third-party call: the same for every
   * attempt.
   */
  public static UUID requestId(String sagaId, String step, boolean compensation) {
    return uuid(TYPE + ":" + sagaId + ":" + step + (compensation ? ":undo" : ":do"));
  }

  private static ChargePayment charge(SagaContext<OrderData> s) {
    OrderData o = s.data();
    return ChargePayment.newBuilder(envelope(new ChargePayment(), s, false))
        .setCustomerId(o.customerId())
        .setCustomerEmail(o.customerEmail())
        .setAmountMinor(o.amountMinor())
        .setCurrency(o.currency())
        .build();
  }

  private static RefundPayment refund(SagaContext<OrderData> s) {
    OrderData o = s.data();
    return RefundPayment.newBuilder(envelope(new RefundPayment(), s, true))
        .setPaymentId(o.paymentId())
        .setReason(ORDER_CANCELLED_REASON)
        .setAmountMinor(o.amountMinor())
        .setCurrency(o.currency())
        .build();
  }

  private static ReserveStock reserve(SagaContext<OrderData> s) {
    return ReserveStock.newBuilder(envelope(new ReserveStock(), s, false))
        .setQuantities(s.data().quantities())
        .build();
  }

  private static ReleaseStock release(SagaContext<OrderData> s) {
    return ReleaseStock.newBuilder(envelope(new ReleaseStock(), s, true))
        .setReason(ORDER_CANCELLED_REASON)
        .build();
  }

  private static ShipOrder ship(SagaContext<OrderData> s, String warehouseId) {
    return ShipOrder.newBuilder(envelope(new ShipOrder(), s, false))
        .setWarehouseId(warehouseId)
        .setQuantities(s.data().quantities())
        .build();
  }

  private static CancelShipment cancelShipment(SagaContext<OrderData> s) {
    return CancelShipment.newBuilder(envelope(new CancelShipment(), s, true))
        .setReason(ORDER_CANCELLED_REASON)
        .build();
  }

  /**
   * Fills the envelope every saga command starts with: its event id (the next command id), now, the
   * order id and the request id of the current step or its compensation. The command's builder,
   * made from it, sets the rest and checks that nothing is missing.
   */
  private static <T extends SpecificRecordBase> T envelope(
      T command, SagaContext<OrderData> s, boolean compensation) {
    command.put("eventId", nextCommandId(s));
    command.put("occurredAt", now());
    command.put("orderId", s.data().orderId());
    command.put("requestId", requestId(s.sagaId(), s.step(), compensation));
    return command;
  }

  /** One email per template and order: its event id (the Message-ID) is derived from both. */
  private static void email(SagaContext<OrderData> s, String template, String subject)
      throws java.sql.SQLException {
    OrderData o = s.data();
    publish(
        s,
        EMAIL_COMMANDS,
        EmailRequested.newBuilder()
            .setEventId(uuid(TYPE + ":" + s.sagaId() + ":email:" + template))
            .setOccurredAt(now())
            .setOrderId(o.orderId())
            .setRecipient(o.customerEmail())
            .setTemplate(template)
            .setSubject(String.format(subject, o.orderId()))
            .build());
  }

  private static void publish(
      SagaContext<OrderData> s, String aggregateType, SpecificRecord command)
      throws java.sql.SQLException {
    s.publish(OutboxEvent.of(aggregateType, s.sagaId(), command));
  }

  /** Counts the command in the saga's data and derives its event id from the count. */
  private static UUID nextCommandId(SagaContext<OrderData> s) {
    OrderData data = s.data().withCommandSent();
    s.data(data);
    return uuid(TYPE + ":" + s.sagaId() + ":command:" + data.commands());
  }

  private static UUID uuid(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
