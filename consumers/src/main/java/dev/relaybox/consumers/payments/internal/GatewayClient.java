package dev.relaybox.consumers.payments.internal;

import dev.relaybox.consumers.HttpStatusException;
import dev.relaybox.consumers.app.internal.JsonHttp;
import java.io.IOException;
import java.util.UUID;

/** The payment gateway's charge and refund API. Thread-safe. */
public final class GatewayClient {

  /** A charge the gateway executed: captured, or declined with a reason. */
  public record Charge(String id, boolean captured, String declineReason) {}

  /** A refund the gateway executed. */
  public record Refund(String id) {}

  private final JsonHttp http;

  public GatewayClient(JsonHttp http) {
    this.http = http;
  }

  /**
   * Charges an order; the same key always gives the same charge.
   *
   * @throws HttpStatusException for any answer but 200, 201 and 402
   * @throws IOException on connection failures and timeouts
   */
  public Charge charge(UUID key, String orderId, long amountMinor, String currency, String customer)
      throws IOException {
    var body =
        JsonHttp.object()
            .put("orderId", orderId)
            .put("amountMinor", amountMinor)
            .put("currency", currency)
            .put("customerId", customer);
    JsonHttp.Response response = http.post("/v1/charges", key, body);
    return switch (response.status()) {
      case 200, 201 -> new Charge(require(response, "id"), true, null);
      case 402 -> {
        String reason = response.text("reason");
        yield new Charge(require(response, "id"), false, reason == null ? "declined" : reason);
      }
      default -> throw failure("POST /v1/charges orderId=" + orderId, response);
    };
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
      return new Refund(require(response, "id"));
    }
    throw failure("POST /v1/refunds chargeId=" + chargeId, response);
  }

  private static String require(JsonHttp.Response response, String field) {
    String value = response.text(field);
    if (value == null) {
      throw new HttpStatusException(
          response.status(), "payment gateway answered without '" + field + "'");
    }
    return value;
  }

  private static HttpStatusException failure(String call, JsonHttp.Response response) {
    String error = response.text("error");
    return new HttpStatusException(
        response.status(), "payment gateway refused " + call + (error == null ? "" : ": " + error));
  }
}
