package dev.relaybox.schemas;

import dev.relaybox.schemas.samples.EmailRequested;
import dev.relaybox.schemas.samples.FulfillmentRequested;
import dev.relaybox.schemas.samples.OrderCancelled;
import dev.relaybox.schemas.samples.OrderLine;
import dev.relaybox.schemas.samples.OrderPlaced;
import dev.relaybox.schemas.samples.PaymentCaptured;
import dev.relaybox.schemas.samples.PaymentDeclined;
import dev.relaybox.schemas.samples.RefundIssued;
import dev.relaybox.schemas.samples.RefundRequested;
import dev.relaybox.schemas.samples.ShipmentDispatched;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/** One realistic instance of every contract, for tests. */
public final class SampleEvents {

  public static final Instant AT = Instant.parse("2026-11-22T10:15:30.123Z");

  private static final Map<String, Integer> QUANTITIES = Map.of("SKU-BOOK", 2, "SKU-PEN", 1);

  private SampleEvents() {}

  public static OrderPlaced orderPlaced() {
    return OrderPlaced.newBuilder()
        .setEventId(UUID.fromString("7f1d2c3b-0000-4000-8000-000000000001"))
        .setOccurredAt(AT)
        .setOrderId("order-1")
        .setCustomerId("customer-42")
        .setCustomerEmail("ada@example.com")
        .setLines(List.of(new OrderLine("SKU-BOOK", 2, 1_250L), new OrderLine("SKU-PEN", 1, 199L)))
        .setAmountMinor(2_699L)
        .setCurrency("EUR")
        .build();
  }

  /** Every contract once. */
  public static List<SpecificRecord> all() {
    UUID id = UUID.fromString("7f1d2c3b-0000-4000-8000-000000000002");
    return List.of(
        orderPlaced(),
        new PaymentCaptured(
            id, AT, "order-1", "pay-1", "ada@example.com", 2_699L, "EUR", QUANTITIES),
        new PaymentDeclined(id, AT, "order-1", "INSUFFICIENT_FUNDS", 2_699L, "EUR"),
        new RefundRequested(id, AT, "order-1", "pay-1", "OUT_OF_STOCK", 2_699L, "EUR"),
        new RefundIssued(id, AT, "order-1", "refund-1", "pay-1", 2_699L, "EUR"),
        new EmailRequested(
            id, AT, "order-1", "ada@example.com", "PAYMENT_RECEIPT", "Your order order-1"),
        new FulfillmentRequested(id, AT, "order-1", "warehouse-berlin", QUANTITIES),
        new ShipmentDispatched(id, AT, "order-1", "ship-1", "DHL", "JD0146000033"),
        new OrderCancelled(id, AT, "order-1", "ada@example.com", "OUT_OF_STOCK"));
  }
}
