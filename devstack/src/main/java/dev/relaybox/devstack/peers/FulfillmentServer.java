package dev.relaybox.devstack.peers;

import dev.relaybox.devstack.peers.internal.PeerHttpServer;
import dev.relaybox.devstack.peers.internal.Warehouse;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

/**
 * A fake warehouse taking shipment requests with {@code Idempotency-Key}; the source of truth for
 * "how many times was this order shipped".
 *
 * <p>API (faultable, see {@link Fault}); every error body is {@code {"error", "message"}}:
 *
 * <ul>
 *   <li>{@code POST /v1/shipments} {@code {"orderId", "lines":[{"sku", "quantity" (>= 1)}],
 *       "address"? (string or object)}} with header {@code Idempotency-Key} (400 without) → 201
 *       {@code {"id", "orderId", "status":"requested"}}; when a line asks for more than the stock
 *       of its SKU → 409 {@code {"error":"out_of_stock", "sku", "orderId", "id"}}, a permanent
 *       refusal: recorded as a shipment with status {@code "out_of_stock"} and replayed for its key
 *       even after a restock.
 * </ul>
 *
 * <p>Idempotency as in {@link PaymentGatewayServer}: same key and body → the first response again
 * (201 becomes 200, 409 stays 409) with {@code Idempotent-Replayed: true}; same key, other body →
 * 422 {@code idempotency_key_reused}. Stock: a SKU never configured is unlimited; a configured one
 * is decremented by each requested shipment.
 *
 * <p>Test endpoints (never faulted): {@code GET /_shipments} → {@code {"shipments":[...]}}; {@code
 * PUT /_stock/{sku}} {@code {"available": n}}; {@code POST /_out-of-stock} {@code {"skus":[...]}};
 * {@code GET /_stock} → {@code {sku: available}}; plus {@code /_faults}. State is in memory and
 * thread-safe.
 */
public final class FulfillmentServer extends HttpPeer {

  /** One shipment line. */
  public record Line(String sku, int quantity) {}

  /**
   * A shipment request the warehouse executed.
   *
   * @param address the address as sent (a JSON object is kept as its JSON text); null when absent
   * @param status {@code "requested"} or {@code "out_of_stock"}
   * @param refusedSku the SKU that was out of stock; null when requested
   */
  public record Shipment(
      String id,
      String orderId,
      List<Line> lines,
      String address,
      String status,
      String refusedSku,
      String idempotencyKey,
      Instant createdAt) {

    public Shipment {
      lines = List.copyOf(lines);
    }

    /** Whether the warehouse accepted it ({@code status == "requested"}). */
    public boolean requested() {
      return "requested".equals(status);
    }
  }

  private final Warehouse warehouse;

  private FulfillmentServer(Warehouse warehouse, PeerHttpServer server) {
    super(server);
    this.warehouse = warehouse;
  }

  /**
   * Starts the warehouse on {@code 127.0.0.1:port}.
   *
   * @param port the TCP port, {@code 0} for a free one
   * @throws dev.relaybox.devstack.DevStackException when the port cannot be bound
   */
  public static FulfillmentServer start(int port) {
    return start(HttpPeer.LOOPBACK, port);
  }

  /**
   * Starts the warehouse on {@code host:port}, e.g. {@code 0.0.0.0} to serve other containers.
   *
   * @param port the TCP port, {@code 0} for a free one
   * @throws dev.relaybox.devstack.DevStackException when the address cannot be bound
   */
  public static FulfillmentServer start(String host, int port) {
    Warehouse warehouse = new Warehouse();
    return new FulfillmentServer(
        warehouse, PeerHttpServer.start("fulfillment", host, port, warehouse.routes()));
  }

  /** Every shipment executed so far, oldest first (refused ones included); a snapshot. */
  public List<Shipment> shipments() {
    return warehouse.shipments();
  }

  /**
   * Sets the stock of a SKU.
   *
   * @throws IllegalArgumentException when {@code available} is negative
   */
  public void setStock(String sku, int available) {
    warehouse.setStock(sku, available);
  }

  /** Sets the stock of these SKUs to zero. */
  public void markOutOfStock(String... skus) {
    for (String sku : skus) {
      warehouse.setStock(sku, 0);
    }
  }

  /** The stock of a SKU; empty when it was never configured (unlimited). */
  public OptionalInt stock(String sku) {
    return warehouse.stock(sku);
  }
}
