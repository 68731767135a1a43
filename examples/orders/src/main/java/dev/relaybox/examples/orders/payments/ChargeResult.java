package dev.relaybox.examples.orders.payments;

/**
 * What the payment gateway answered for one charge.
 *
 * @param chargeId the gateway's charge id; never null
 * @param captured true when the money was taken, false when the card was declined
 * @param reason the decline reason (e.g. {@code card_declined}); null when captured
 */
public record ChargeResult(String chargeId, boolean captured, String reason) {}
