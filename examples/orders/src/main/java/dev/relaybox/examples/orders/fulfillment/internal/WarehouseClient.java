package dev.relaybox.examples.orders.fulfillment.internal;

import dev.relaybox.consumers.HttpStatusException;
import dev.relaybox.examples.orders.internal.JsonHttp;
import java.io.IOException;
import java.util.List;
import java.util.UUID;

/** The warehouse's shipment API. Thread-safe. */
public final class WarehouseClient {

  /** One line to ship. */
  public record Line(String sku, int quantity) {}

  /** What the warehouse decided; exactly one of shipmentId and refusedSku is set. */
  public record Decision(String shipmentId, String refusedSku) {

    public boolean outOfStock() {
      return refusedSku != null;
    }
  }

  private final JsonHttp http;

  public WarehouseClient(JsonHttp http) {
    this.http = http;
  }

  /**
   * Requests a shipment; the same key always gives the same decision. A 409 {@code out_of_stock} is
   * a decision (the warehouse remembers it for the key), not an error.
   *
   * @throws HttpStatusException for any other answer but 200 and 201
   * @throws IOException on connection failures and timeouts
   */
  public Decision requestShipment(UUID key, String orderId, List<Line> lines) throws IOException {
    var body = JsonHttp.object().put("orderId", orderId);
    var array = body.putArray("lines");
    for (Line line : lines) {
      array.addObject().put("sku", line.sku()).put("quantity", line.quantity());
    }
    JsonHttp.Response response = http.post("/v1/shipments", key, body);
    if (response.status() == 200 || response.status() == 201) {
      String id = response.text("id");
      if (id == null) {
        throw new HttpStatusException(response.status(), "warehouse answered without 'id'");
      }
      return new Decision(id, null);
    }
    String error = response.text("error");
    if (response.status() == 409 && "out_of_stock".equals(error)) {
      String sku = response.text("sku");
      return new Decision(null, sku == null ? "unknown" : sku);
    }
    throw new HttpStatusException(
        response.status(),
        "warehouse refused POST /v1/shipments orderId="
            + orderId
            + (error == null ? "" : ": " + error));
  }
}
