/**
 * The Relaybox event contracts, generated from {@code src/main/avro/*.avsc} by avro-maven-plugin
 * ({@code stringType=String}; {@code eventId} is a {@link java.util.UUID}, {@code occurredAt} an
 * {@link java.time.Instant}; money is {@code amountMinor} (long, minor units) plus {@code currency}
 * (ISO 4217)). Every event carries {@code eventId}, {@code occurredAt} and {@code orderId}.
 *
 * <p>Flow (the order-fulfilment saga, {@code dev.relaybox.examples.orders.saga}): {@code
 * OrderPlaced} begins it; its commands {@code ChargePayment} / {@code RefundPayment} (payments:
 * {@code PaymentCaptured} or {@code PaymentDeclined} / {@code RefundIssued}), {@code ReserveStock}
 * / {@code ReleaseStock} (fulfillment: {@code StockReserved} or {@code StockUnavailable} / {@code
 * StockReleased}), {@code ShipOrder} / {@code CancelShipment} (fulfillment: {@code
 * ShipmentDispatched} or {@code ShipmentFailed} / {@code ShipmentCancelled}) and {@code
 * EmailRequested} (email, no reply). {@code FulfillmentRequested}, {@code RefundRequested} and
 * {@code OrderCancelled} belong to the former choreography: no longer produced, kept because they
 * were released (the gate keeps released contracts) and old topics may still hold them. Changes
 * must stay BACKWARD compatible with every released version ({@code src/main/released}, checked by
 * the build).
 */
package dev.relaybox.examples.orders.events;
