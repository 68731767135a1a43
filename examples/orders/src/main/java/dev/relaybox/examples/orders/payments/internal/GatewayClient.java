package dev.relaybox.examples.orders.payments.internal;

import dev.relaybox.consumers.HttpStatusException;
import dev.relaybox.examples.orders.internal.JsonHttp;
import java.io.IOException;
import java.util.UUID;

/** The payment gateway's refund API (charges are {@code PaymentsHandler}'s). Thread-safe. */
public final class GatewayClient {

  /** A refund the gateway executed. */
  public record Refund(String id) {}

  private final JsonHttp http;

  public GatewayClient(JsonHttp http) {
    this.http = http;
  }

  /**
   * Refunds (part of) a captured charge; the same key always gives the same refund.
   *
   * @throws HttpStatusException for any answer but 200 and 201 (404 unknown charge, 422 refund
   *     exceeds the charge: permanent)
   * @throws IOException on connection failures and timeouts
   */
  public Refund refund(UUID key, String chargeId, long amountMinor) throws IOException {
    var body = JsonHttp.object().put("chargeId", chargeId).put("amountMinor", amountMinor);
    JsonHttp.Response response = http.post("/v1/refunds", key, body);
    if (response.status() == 200 || response.status() == 201) {
      String id = response.text("id");
      if (id == null) {
        throw new HttpStatusException(response.status(), "payment gateway answered without 'id'");
      }
      return new Refund(id);
    }
    String error = response.text("error");
    throw new HttpStatusException(
        response.status(),
        "payment gateway refused POST /v1/refunds chargeId="
            + chargeId
            + (error == null ? "" : ": " + error));
  }
}
