/**
 * The Relaybox event contracts, generated from {@code src/main/avro/*.avsc} by avro-maven-plugin
 * ({@code stringType=String}; {@code eventId} is a {@link java.util.UUID}, {@code occurredAt} an
 * {@link java.time.Instant}; money is {@code amountMinor} (long, minor units) plus {@code currency}
 * (ISO 4217)). Every event carries {@code eventId}, {@code occurredAt} and {@code orderId}.
 *
 * <p>Flow: {@code OrderPlaced} → payments → {@code PaymentCaptured} or {@code PaymentDeclined};
 * {@code PaymentCaptured} → fulfillment → {@code FulfillmentRequested} → {@code
 * ShipmentDispatched}, or when out of stock {@code RefundRequested} → payments → {@code
 * RefundIssued} → {@code OrderCancelled}; email consumes {@code PaymentCaptured} and {@code
 * OrderCancelled} ({@code EmailRequested} asks for any other email). Changes must stay BACKWARD
 * compatible with every released version ({@code src/main/released}, checked by the build).
 */
package dev.relaybox.examples.orders.events;
