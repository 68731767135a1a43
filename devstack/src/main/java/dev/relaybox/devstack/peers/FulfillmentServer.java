package dev.relaybox.devstack.peers;

import dev.relaybox.devstack.peers.internal.PeerHttpServer;
import dev.relaybox.devstack.peers.internal.Warehouse;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

/**
 * A fake warehouse taking stock reservations, shipments and their undoing with {@code
 * Idempotency-Key}; the source of truth for "how many times was this order reserved, shipped,
 * released, cancelled".
 *
 * <p>API (faultable, see {@link Fault}; {@code Fault.crash().lastingFor(d)} is an outage: 500s and
 * no effect for {@code d}); every error body is {@code {"error", "message"}}:
 *
 * <ul>
 *   <li>{@code POST /v1/reservations} {@code {"orderId", "lines":[{"sku", "quantity" (>= 1)}]}} →
 *       201 {@code {"id", "orderId", "status":"reserved"}}, the stock of each configured SKU taken;
 *       when a line asks for more than the stock of its SKU → 409 {@code {"error":"out_of_stock",
 *       "sku", "orderId", "id"}}, a permanent refusal recorded with status {@code "out_of_stock"};
 *   <li>{@code POST /v1/reservations/release} {@code {"orderId"}} → 200 {@code {"orderId",
 *       "released":[ids]}}: every reservation of the order still held goes back to stock (none: an
 *       empty list, so a release is idempotent by state too); 409 {@code shipment_active} while a
 *       shipment of the order is not cancelled;
 *   <li>{@code POST /v1/shipments} {@code {"orderId", "lines":[...], "address"?}} → 201 {@code
 *       {"id", "orderId", "status":"requested"}}: ships the order's held reservation (its stock
 *       stays taken), or without one takes the stock itself (409 {@code out_of_stock} as above);
 *   <li>{@code POST /v1/shipments/cancel} {@code {"orderId"}} → 200 {@code {"orderId",
 *       "cancelled":[ids]}}: every requested shipment of the order is cancelled; its reservation is
 *       held again (or, without one, its stock returned).
 * </ul>
 *
 * <p>Every {@code POST} needs the header {@code Idempotency-Key} (400 without); idempotency as in
 * {@link PaymentGatewayServer}: same key and body → the first response again (201 becomes 200, 409
 * stays 409) with {@code Idempotent-Replayed: true}; same key, other body → 422 {@code
 * idempotency_key_reused}. Stock: a SKU never configured is unlimited.
 *
 * <p>Test endpoints (never faulted): {@code GET /_shipments} → {@code {"shipments":[...]}}; {@code
 * GET /_reservations} → {@code {"reservations":[...]}}; {@code PUT /_stock/{sku}} {@code
 * {"available": n}}; {@code POST /_out-of-stock} {@code {"skus":[...]}}; {@code GET /_stock} →
 * {@code {sku: available}}; plus {@code /_faults}. State is in memory and thread-safe.
 */
public final class FulfillmentServer extends HttpPeer {

  /** One shipment line. */
  public record Line(String sku, int quantity) {}

  /**
   * A shipment request the warehouse executed.
   *
   * @param address the address as sent (a JSON object is kept as its JSON text); null when absent
   * @param status {@code "requested"}, {@code "cancelled"} or {@code "out_of_stock"}
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

    /** Whether the warehouse accepted it and it stands ({@code status == "requested"}). */
    public boolean requested() {
      return "requested".equals(status);
    }

    /** This shipment with another status. */
    public Shipment withStatus(String newStatus) {
      return new Shipment(
          id, orderId, lines, address, newStatus, refusedSku, idempotencyKey, createdAt);
    }
  }

  /**
   * A stock reservation the warehouse executed.
   *
   * @param status {@code "reserved"} (stock held), {@code "shipped"} (held by a shipment), {@code
   *     "released"} (back in stock) or {@code "out_of_stock"} (refused, nothing held)
   * @param refusedSku the SKU that was out of stock; null otherwise
   */
  public record Reservation(
      String id,
      String orderId,
      List<Line> lines,
      String status,
      String refusedSku,
      String idempotencyKey,
      Instant createdAt) {

    public Reservation {
      lines = List.copyOf(lines);
    }

    /** Whether it holds stock ({@code reserved} or {@code shipped}). */
    public boolean held() {
      return "reserved".equals(status) || "shipped".equals(status);
    }

    /** This reservation with another status. */
    public Reservation withStatus(String newStatus) {
      return new Reservation(id, orderId, lines, newStatus, refusedSku, idempotencyKey, createdAt);
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

  /**
   * Every shipment executed so far, oldest first (refused and cancelled ones included, each in its
   * current status); a snapshot.
   */
  public List<Shipment> shipments() {
    return warehouse.shipments();
  }

  /**
   * Every reservation executed so far, oldest first (refused and released ones included, each in
   * its current status); a snapshot.
   */
  public List<Reservation> reservations() {
    return warehouse.reservations();
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
