package dev.relaybox.examples.orders.fulfillment.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaybox.consumers.HttpStatusException;
import dev.relaybox.examples.orders.internal.JsonHttp;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;

/**
 * The warehouse's reservation and shipment API; every call carries the saga's request id as {@code
 * Idempotency-Key}. 408, 429 and 5xx (and I/O failures) are transient for the default error
 * classifier; other unexpected statuses are permanent. Thread-safe.
 */
public final class WarehouseClient {

  /**
   * What the warehouse answered: its reference (reservation or shipment id, or how many were
   * released or cancelled), or why it refused for good.
   */
  public record Answer(String reference, String refusal) {

    public boolean refused() {
      return refusal != null;
    }
  }

  private final JsonHttp http;

  public WarehouseClient(JsonHttp http) {
    this.http = http;
  }

  /** Reserves the units; a 409 {@code out_of_stock} is a refusal naming the SKU. */
  public Answer reserve(UUID key, String orderId, Map<String, Integer> quantities)
      throws IOException {
    JsonHttp.Response response = http.post("/v1/reservations", key, lines(orderId, quantities));
    if (response.status() == 409 && "out_of_stock".equals(response.text("error"))) {
      String sku = response.text("sku");
      return new Answer(null, sku == null ? "unknown" : sku);
    }
    return new Answer(id(response, "POST /v1/reservations", orderId), null);
  }

  /** Ships the order's reservation; any 409 is a refusal (its error code). */
  public Answer ship(UUID key, String orderId, Map<String, Integer> quantities) throws IOException {
    JsonHttp.Response response = http.post("/v1/shipments", key, lines(orderId, quantities));
    if (response.status() == 409) {
      String error = response.text("error");
      return new Answer(null, error == null ? "refused" : error);
    }
    return new Answer(id(response, "POST /v1/shipments", orderId), null);
  }

  /** Releases whatever the order holds; the answer is how many reservations went back. */
  public Answer release(UUID key, String orderId) throws IOException {
    return new Answer(count(key, "/v1/reservations/release", orderId, "released"), null);
  }

  /** Cancels the order's active shipments; the answer is how many. */
  public Answer cancelShipment(UUID key, String orderId) throws IOException {
    return new Answer(count(key, "/v1/shipments/cancel", orderId, "cancelled"), null);
  }

  private String count(UUID key, String path, String orderId, String field) throws IOException {
    JsonHttp.Response response = http.post(path, key, JsonHttp.object().put("orderId", orderId));
    if (response.status() != 200 || response.body() == null) {
      throw refused(response, "POST " + path, orderId);
    }
    return Integer.toString(response.body().path(field).size());
  }

  private static ObjectNode lines(String orderId, Map<String, Integer> quantities) {
    ObjectNode body = JsonHttp.object().put("orderId", orderId);
    var array = body.putArray("lines");
    quantities.forEach(
        (sku, quantity) -> array.addObject().put("sku", sku).put("quantity", quantity));
    return body;
  }

  private static String id(JsonHttp.Response response, String call, String orderId) {
    if (response.status() != 200 && response.status() != 201) {
      throw refused(response, call, orderId);
    }
    String id = response.text("id");
    if (id == null) {
      throw new HttpStatusException(
          response.status(), "warehouse answered " + call + " without 'id'");
    }
    return id;
  }

  private static HttpStatusException refused(
      JsonHttp.Response response, String call, String orderId) {
    String error = response.text("error");
    return new HttpStatusException(
        response.status(),
        "warehouse refused " + call + " orderId=" + orderId + (error == null ? "" : ": " + error));
  }
}
