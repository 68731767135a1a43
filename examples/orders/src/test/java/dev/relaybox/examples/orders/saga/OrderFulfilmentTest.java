package dev.relaybox.examples.orders.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.saga.SagaReply;
import dev.relaybox.consumers.saga.SagaStatus;
import dev.relaybox.consumers.saga.internal.InMemorySaga;
import dev.relaybox.examples.orders.events.CancelShipment;
import dev.relaybox.examples.orders.events.ChargePayment;
import dev.relaybox.examples.orders.events.EmailRequested;
import dev.relaybox.examples.orders.events.OrderLine;
import dev.relaybox.examples.orders.events.OrderPlaced;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * The order-fulfilment saga's transitions, commands and compensations, on the real saga machine in
 * memory (no database): every path of the workflow, in order.
 */
class OrderFulfilmentTest {

  private static final String ORDER = "o-1";
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  private static InMemorySaga<OrderData> begin() throws Exception {
    OrderPlaced placed =
        OrderPlaced.newBuilder()
            .setEventId(UUID.randomUUID())
            .setOccurredAt(NOW)
            .setOrderId(ORDER)
            .setCustomerId("alice")
            .setCustomerEmail("alice@example.test")
            .setLines(List.of(new OrderLine("SKU-1", 2, 500L), new OrderLine("SKU-1", 1, 500L)))
            .setAmountMinor(1_500)
            .setCurrency("EUR")
            .build();
    return InMemorySaga.begin(
        OrderFulfilment.definition(Duration.ofMinutes(2), Duration.ofMinutes(1), "main"),
        3,
        ORDER,
        OrderData.of(placed));
  }

  private static boolean reply(InMemorySaga<OrderData> saga, SpecificRecord value)
      throws Exception {
    ConsumedEvent event =
        new ConsumedEvent(
            UUID.randomUUID(), ORDER, value, "replies", 0, 0, 0, new RecordHeaders(), 1);
    SagaReply reply = OrderFulfilment.reply(event);
    assertThat(reply).as("%s is a reply", value.getClass().getSimpleName()).isNotNull();
    return saga.reply(reply, event);
  }

  /** The payloads published since the last call, each checked for its topic and key. */
  private static List<Object> sent(InMemorySaga<OrderData> saga) {
    List<OutboxEvent> events = saga.drain();
    events.forEach(e -> assertThat(e.aggregateId()).isEqualTo(ORDER));
    return events.stream().map(e -> (Object) e.payload()).toList();
  }

  private static UUID key(String step, boolean compensation) {
    return OrderFulfilment.requestId(ORDER, step, compensation);
  }

  private static InMemorySaga<OrderData> reservedAndShipping() throws Exception {
    InMemorySaga<OrderData> saga = begin();
    sent(saga);
    reply(
        saga,
        new PaymentCaptured(
            id(), NOW, ORDER, "ch_1", "alice@example.test", 1_500L, "EUR", Map.of()));
    reply(saga, new StockReserved(id(), NOW, ORDER, "res_1"));
    assertThat(sent(saga).subList(0, 2))
        .satisfiesExactly(
            reserve ->
                assertThat(((ReserveStock) reserve).getQuantities()).isEqualTo(Map.of("SKU-1", 3)),
            ship -> {
              assertThat(((ShipOrder) ship).getRequestId()).isEqualTo(key("ship", false));
              assertThat(((ShipOrder) ship).getWarehouseId()).isEqualTo("main");
            });
    assertThat(saga.currentStep()).isEqualTo(OrderFulfilment.SHIP);
    assertThat(saga.deadlineMillis()).isEqualTo(60_000L);
    return saga;
  }

  @Test
  void placedChargedReservedShippedThenConfirmedOnce() throws Exception {
    InMemorySaga<OrderData> saga = begin();
    assertThat(saga.published())
        .singleElement()
        .satisfies(e -> assertThat(e.aggregateType()).isEqualTo(OrderFulfilment.PAYMENT_COMMANDS));
    assertThat(sent(saga))
        .singleElement()
        .isInstanceOfSatisfying(
            ChargePayment.class,
            c -> {
              assertThat(c.getRequestId()).isEqualTo(key("charge", false));
              assertThat(c.getAmountMinor()).isEqualTo(1_500);
              assertThat(c.getCustomerId()).isEqualTo("alice");
            });

    InMemorySaga<OrderData> shipping = reservedAndShipping();
    assertThat(shipping.data().paymentId()).isEqualTo("ch_1");
    assertThat(reply(shipping, new ShipmentDispatched(id(), NOW, ORDER, "shp_1", "W", "shp_1")))
        .isTrue();

    assertThat(shipping.drain())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.aggregateType()).isEqualTo(OrderFulfilment.EMAIL_COMMANDS);
              assertThat(((EmailRequested) e.payload()).getTemplate())
                  .isEqualTo(OrderFulfilment.ORDER_CONFIRMATION);
              assertThat(((EmailRequested) e.payload()).getSubject()).contains(ORDER);
            });
    assertThat(shipping.status()).isEqualTo(SagaStatus.COMPLETED);
    assertThat(shipping.completedSteps())
        .containsExactly("placed", "charge", "reserve", "ship", "confirm");
    assertThat(shipping.data().shipmentId()).isEqualTo("shp_1");
    assertThat(reply(shipping, new ShipmentDispatched(id(), NOW, ORDER, "shp_1", "W", "shp_1")))
        .as("a repeated reply never moves it again")
        .isFalse();
  }

  @Test
  void outOfStockRefundsThenSendsTheCancellationEmailAndReleasesNothing() throws Exception {
    InMemorySaga<OrderData> saga = begin();
    reply(
        saga,
        new PaymentCaptured(
            id(), NOW, ORDER, "ch_1", "alice@example.test", 1_500L, "EUR", Map.of()));
    sent(saga);

    assertThat(reply(saga, new StockUnavailable(id(), NOW, ORDER, "SKU-1"))).isTrue();

    assertThat(sent(saga))
        .singleElement()
        .isInstanceOfSatisfying(
            RefundPayment.class,
            r -> {
              assertThat(r.getPaymentId()).isEqualTo("ch_1");
              assertThat(r.getAmountMinor()).isEqualTo(1_500);
              assertThat(r.getRequestId()).isEqualTo(key("charge", true));
            });
    assertThat(saga.lastError()).contains("out of stock: SKU-1");
    assertThat(reply(saga, new RefundIssued(id(), NOW, ORDER, "re_1", "ch_1", 1_500L, "EUR")))
        .isTrue();
    assertThat(sent(saga)).singleElement().satisfies(OrderFulfilmentTest::isCancellation);
    assertThat(saga.status()).isEqualTo(SagaStatus.COMPENSATED);
    assertThat(saga.compensatedSteps()).containsExactly("charge", "placed");
  }

  @Test
  void aShipmentPastItsDeadlineIsCancelledThenReleasedRefundedAndTheCustomerTold()
      throws Exception {
    InMemorySaga<OrderData> saga = reservedAndShipping();

    saga.deadlinePassed();
    assertThat(sent(saga))
        .singleElement()
        .isInstanceOfSatisfying(
            CancelShipment.class, c -> assertThat(c.getRequestId()).isEqualTo(key("ship", true)));
    assertThat(reply(saga, new ShipmentDispatched(id(), NOW, ORDER, "shp_1", "W", "shp_1")))
        .as("the late shipment reply is ignored; its cancellation is on the way")
        .isFalse();
    reply(saga, new ShipmentCancelled(id(), NOW, ORDER, 1));
    assertThat(sent(saga))
        .singleElement()
        .isInstanceOfSatisfying(
            ReleaseStock.class, r -> assertThat(r.getRequestId()).isEqualTo(key("reserve", true)));
    reply(saga, new StockReleased(id(), NOW, ORDER, 1));
    assertThat(sent(saga)).singleElement().isInstanceOf(RefundPayment.class);
    reply(saga, new RefundIssued(id(), NOW, ORDER, "re_1", "ch_1", 1_500L, "EUR"));
    assertThat(sent(saga)).singleElement().satisfies(OrderFulfilmentTest::isCancellation);

    assertThat(saga.status()).isEqualTo(SagaStatus.COMPENSATED);
    assertThat(saga.compensatedSteps()).containsExactly("ship", "reserve", "charge", "placed");
  }

  @Test
  void aRefusedShipmentReleasesTheStockWithoutCancellingAnything() throws Exception {
    InMemorySaga<OrderData> saga = reservedAndShipping();

    reply(saga, new ShipmentFailed(id(), NOW, ORDER, "no_carrier"));

    assertThat(sent(saga)).singleElement().isInstanceOf(ReleaseStock.class);
    assertThat(saga.lastError()).contains("shipment failed: no_carrier");
    reply(saga, new StockReleased(id(), NOW, ORDER, 1));
    reply(saga, new RefundIssued(id(), NOW, ORDER, "re_1", "ch_1", 1_500L, "EUR"));
    assertThat(sent(saga)).hasSize(2);
    assertThat(saga.compensatedSteps()).containsExactly("reserve", "charge", "placed");
  }

  @Test
  void aDeclinedCardCancelsTheOrderWithoutARefund() throws Exception {
    InMemorySaga<OrderData> saga = begin();
    sent(saga);

    reply(saga, new PaymentDeclined(id(), NOW, ORDER, "card_declined", 1_500L, "EUR"));

    assertThat(sent(saga)).singleElement().satisfies(OrderFulfilmentTest::isCancellation);
    assertThat(saga.status()).isEqualTo(SagaStatus.COMPENSATED);
    assertThat(saga.compensatedSteps()).containsExactly("placed");
  }

  @Test
  void aChargeWithoutReplyIsSentAgainWithTheSameRequestIdAndAnsweredOnce() throws Exception {
    InMemorySaga<OrderData> saga = begin();
    ChargePayment first = (ChargePayment) sent(saga).get(0);

    saga.deadlinePassed();

    ChargePayment second = (ChargePayment) sent(saga).get(0);
    assertThat(second.getRequestId()).isEqualTo(first.getRequestId());
    assertThat(second.getEventId()).isNotEqualTo(first.getEventId());
    PaymentCaptured captured =
        new PaymentCaptured(
            id(), NOW, ORDER, "ch_1", "alice@example.test", 1_500L, "EUR", Map.of());
    assertThat(reply(saga, captured)).isTrue();
    assertThat(reply(saga, captured)).as("the answer to the second command").isFalse();
    assertThat(sent(saga)).singleElement().isInstanceOf(ReserveStock.class);
  }

  @Test
  void aRefundWithoutReplyIsSentAgainWithTheSameRequestIdThenParks() throws Exception {
    InMemorySaga<OrderData> saga = begin();
    reply(
        saga,
        new PaymentCaptured(
            id(), NOW, ORDER, "ch_1", "alice@example.test", 1_500L, "EUR", Map.of()));
    reply(saga, new StockUnavailable(id(), NOW, ORDER, "SKU-1"));
    sent(saga);

    saga.deadlinePassed();
    saga.deadlinePassed();

    assertThat(sent(saga))
        .hasSize(2)
        .allSatisfy(
            r -> assertThat(((RefundPayment) r).getRequestId()).isEqualTo(key("charge", true)));
    saga.deadlinePassed();
    assertThat(saga.status()).as("after maxAttempts (3) refunds").isEqualTo(SagaStatus.PARKED);
    assertThat(sent(saga)).as("no cancellation email before the refund").isEmpty();
  }

  @Test
  void eventsThatAreNoReplyMapToNull() {
    ConsumedEvent placed =
        new ConsumedEvent(
            id(),
            ORDER,
            new EmailRequested(id(), NOW, ORDER, "a@b", "T", "S"),
            "t",
            0,
            0,
            0,
            new RecordHeaders(),
            1);
    assertThat(OrderFulfilment.reply(placed)).isNull();
  }

  private static void isCancellation(Object email) {
    assertThat(email).isInstanceOf(EmailRequested.class);
    EmailRequested e = (EmailRequested) email;
    assertThat(e.getTemplate()).isEqualTo(OrderFulfilment.ORDER_CANCELLED);
    assertThat(e.getRecipient()).isEqualTo("alice@example.test");
    assertThat(e.getSubject()).isEqualTo("Your order o-1 was cancelled");
  }

  private static UUID id() {
    return UUID.randomUUID();
  }
}
