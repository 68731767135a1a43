package dev.relaybox.devstack.peers;

import dev.relaybox.devstack.peers.internal.PaymentLedger;
import dev.relaybox.devstack.peers.internal.PeerHttpServer;
import java.time.Instant;
import java.util.List;

/**
 * A fake card-payment provider honouring {@code Idempotency-Key} like Stripe; the source of truth
 * for "how many times was this order charged".
 *
 * <p>API (faultable, see {@link Fault}); every error body is {@code {"error", "message"}}:
 *
 * <ul>
 *   <li>{@code POST /v1/charges} {@code {"orderId", "amountMinor" (>= 1), "currency" (3 letters),
 *       "customerId"}} with header {@code Idempotency-Key} (400 without) → 201 {@code {"id",
 *       "orderId", "amountMinor", "currency", "customerId", "status":"captured"}}; a declined card
 *       (customerId starting with {@value #DECLINED_PREFIX} or set with {@link #declineCustomers})
 *       → 402 with the same fields, {@code "status":"declined", "reason":"card_declined"};
 *   <li>{@code POST /v1/refunds} {@code {"chargeId", "amountMinor" (>= 1)}} + {@code
 *       Idempotency-Key} → 201 {@code {"id", "chargeId", "amountMinor", "status":"refunded"}}; 404
 *       {@code no_such_charge}; 422 {@code charge_not_captured} or {@code refund_exceeds_charge}
 *       when the refunds would exceed the captured amount;
 *   <li>{@code GET /v1/charges/{id}} → 200 charge or 404; {@code GET /v1/charges?orderId=...} → 200
 *       {@code {"data":[charge...]}} (oldest first, declined ones included).
 * </ul>
 *
 * <p>Idempotency: the same key with the same path and body replays the first response (201 becomes
 * 200, 402 stays 402) with header {@code Idempotent-Replayed: true} and no new effect; the same key
 * with another body or path → 422 {@code idempotency_key_reused}. Refusals before any effect (400,
 * 404, 422) and injected crash/throttle faults are not remembered, so the key stays usable.
 * Distinct keys for one order make distinct charges: the gateway does not hide a client that
 * forgets its key.
 *
 * <p>Test endpoints (never faulted): {@code GET /_ledger} → {@code {"charges":[...],
 * "refunds":[...]}}; {@code POST /_declined-customers} {@code {"customerIds":[...]}}; plus {@code
 * /_faults} (see {@link HttpPeer}). State is in memory and thread-safe.
 */
public final class PaymentGatewayServer extends HttpPeer {
  /** Customers whose id starts with this prefix always have their card declined. */
  public static final String DECLINED_PREFIX = "declined-";

  /**
   * A charge attempt the gateway executed, captured or declined.
   *
   * @param status {@code "captured"} or {@code "declined"}
   * @param idempotencyKey the key of the request that created it
   */
  public record Charge(
      String id,
      String orderId,
      long amountMinor,
      String currency,
      String customerId,
      String status,
      String idempotencyKey,
      Instant createdAt) {

    /** Whether the money was taken ({@code status == "captured"}). */
    public boolean captured() {
      return "captured".equals(status);
    }
  }

  /**
   * A refund of (part of) a captured charge.
   *
   * @param status always {@code "refunded"}
   */
  public record Refund(
      String id,
      String chargeId,
      long amountMinor,
      String status,
      String idempotencyKey,
      Instant createdAt) {}

  private final PaymentLedger ledger;

  private PaymentGatewayServer(PaymentLedger ledger, PeerHttpServer server) {
    super(server);
    this.ledger = ledger;
  }

  /**
   * Starts the gateway on {@code 127.0.0.1:port}.
   *
   * @param port the TCP port, {@code 0} for a free one
   * @throws dev.relaybox.devstack.DevStackException when the port cannot be bound
   */
  public static PaymentGatewayServer start(int port) {
    return start(HttpPeer.LOOPBACK, port);
  }

  /**
   * Starts the gateway on {@code host:port}, e.g. {@code 0.0.0.0} to serve other containers.
   *
   * @param port the TCP port, {@code 0} for a free one
   * @throws dev.relaybox.devstack.DevStackException when the address cannot be bound
   */
  public static PaymentGatewayServer start(String host, int port) {
    PaymentLedger ledger = new PaymentLedger();
    return new PaymentGatewayServer(
        ledger, PeerHttpServer.start("payment-gateway", host, port, ledger.routes()));
  }

  /** Every charge executed so far, oldest first (declined ones included); a snapshot. */
  public List<Charge> charges() {
    return ledger.charges();
  }

  /** Every refund executed so far, oldest first; a snapshot. */
  public List<Refund> refunds() {
    return ledger.refunds();
  }

  /** From now on, charges for these customers are declined (402). */
  public void declineCustomers(String... customerIds) {
    ledger.declineCustomers(List.of(customerIds));
  }
}
