/**
 * Real network peers the consumer services talk to in tests and the demo: a card-payment gateway
 * and a warehouse (JSON over HTTP, Stripe-like {@code Idempotency-Key}, switchable {@link
 * dev.relaybox.devstack.peers.Fault faults}) and a GreenMail SMTP/IMAP server. Each exposes what it
 * did (ledger, shipments, messages), so tests count effects at the source of truth. Start them
 * together with {@link dev.relaybox.devstack.peers.Peers#start()} or one by one.
 */
package dev.relaybox.devstack.peers;
