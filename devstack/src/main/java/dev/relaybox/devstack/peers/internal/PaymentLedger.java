package dev.relaybox.devstack.peers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaybox.devstack.peers.PaymentGatewayServer;
import dev.relaybox.devstack.peers.PaymentGatewayServer.Charge;
import dev.relaybox.devstack.peers.PaymentGatewayServer.Refund;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The payment gateway's state and request handling; every method holds the ledger's lock. */
public final class PaymentLedger {
  private final List<Charge> charges = new ArrayList<>();
  private final List<Refund> refunds = new ArrayList<>();
  private final Set<String> declinedCustomers = new HashSet<>();
  private final IdempotentResponses responses = new IdempotentResponses();

  public List<PeerHttpServer.Route> routes() {
    return List.of(
        new PeerHttpServer.Route("POST", "/v1/charges", true, this::charge),
        new PeerHttpServer.Route("GET", "/v1/charges", true, this::chargesOfOrder),
        new PeerHttpServer.Route("GET", "/v1/charges/{id}", true, this::chargeById),
        new PeerHttpServer.Route("POST", "/v1/refunds", true, this::refund),
        new PeerHttpServer.Route("GET", "/_ledger", false, request -> ledger()),
        new PeerHttpServer.Route("POST", "/_declined-customers", false, this::declineCustomers));
  }

  public synchronized List<Charge> charges() {
    return List.copyOf(charges);
  }

  public synchronized List<Refund> refunds() {
    return List.copyOf(refunds);
  }

  public synchronized void declineCustomers(List<String> customerIds) {
    declinedCustomers.addAll(customerIds);
  }

  private synchronized PeerResponse charge(PeerRequest request) {
    return responses.execute(
        request,
        body -> {
          String orderId = Json.requiredText(body, "orderId");
          long amountMinor = Json.requiredLong(body, "amountMinor", 1);
          String currency = Json.requiredText(body, "currency");
          if (!currency.matches("[A-Za-z]{3}")) {
            throw Json.invalid("currency must be a 3-letter ISO 4217 code, was '" + currency + "'");
          }
          String customerId = Json.requiredText(body, "customerId");
          boolean declined =
              customerId.startsWith(PaymentGatewayServer.DECLINED_PREFIX)
                  || declinedCustomers.contains(customerId);
          Charge charge =
              new Charge(
                  "ch_" + UUID.randomUUID().toString().replace("-", ""),
                  orderId,
                  amountMinor,
                  currency,
                  customerId,
                  declined ? "declined" : "captured",
                  request.idempotencyKey(),
                  Instant.now());
          charges.add(charge);
          return PeerResponse.json(declined ? 402 : 201, json(charge));
        });
  }

  private synchronized PeerResponse refund(PeerRequest request) {
    return responses.execute(
        request,
        body -> {
          String chargeId = Json.requiredText(body, "chargeId");
          long amountMinor = Json.requiredLong(body, "amountMinor", 1);
          Charge charge = find(chargeId);
          if (!charge.captured()) {
            throw new HttpProblem(
                422,
                "charge_not_captured",
                "charge " + chargeId + " was declined: nothing to refund");
          }
          long refunded =
              refunds.stream()
                  .filter(refund -> refund.chargeId().equals(chargeId))
                  .mapToLong(Refund::amountMinor)
                  .sum();
          if (refunded + amountMinor > charge.amountMinor()) {
            throw new HttpProblem(
                422,
                "refund_exceeds_charge",
                "refund of "
                    + amountMinor
                    + " exceeds what is left of charge "
                    + chargeId
                    + ": "
                    + (charge.amountMinor() - refunded));
          }
          Refund refund =
              new Refund(
                  "re_" + UUID.randomUUID().toString().replace("-", ""),
                  chargeId,
                  amountMinor,
                  "refunded",
                  request.idempotencyKey(),
                  Instant.now());
          refunds.add(refund);
          return PeerResponse.json(201, json(refund));
        });
  }

  private synchronized PeerResponse chargeById(PeerRequest request) {
    return PeerResponse.json(200, json(find(request.pathParams().get("id"))));
  }

  private synchronized PeerResponse chargesOfOrder(PeerRequest request) {
    String orderId = request.query().get("orderId");
    if (orderId == null || orderId.isBlank()) {
      throw Json.invalid("the orderId query parameter is required: GET /v1/charges?orderId=...");
    }
    ArrayNode data = Json.array();
    charges.stream()
        .filter(charge -> charge.orderId().equals(orderId))
        .forEach(c -> data.add(json(c)));
    return PeerResponse.json(200, Json.object().set("data", data));
  }

  private synchronized PeerResponse ledger() {
    ArrayNode chargesJson = Json.array();
    charges.forEach(
        charge ->
            chargesJson.add(
                json(charge)
                    .put("idempotencyKey", charge.idempotencyKey())
                    .put("createdAt", charge.createdAt().toString())));
    ArrayNode refundsJson = Json.array();
    refunds.forEach(
        refund ->
            refundsJson.add(
                json(refund)
                    .put("idempotencyKey", refund.idempotencyKey())
                    .put("createdAt", refund.createdAt().toString())));
    ObjectNode body = Json.object();
    body.set("charges", chargesJson);
    body.set("refunds", refundsJson);
    return PeerResponse.json(200, body);
  }

  private PeerResponse declineCustomers(PeerRequest request) {
    JsonNode body = request.jsonObject();
    declineCustomers(Json.requiredTexts(body, "customerIds"));
    return PeerResponse.json(200, body);
  }

  private Charge find(String chargeId) {
    return charges.stream()
        .filter(charge -> charge.id().equals(chargeId))
        .findFirst()
        .orElseThrow(
            () -> new HttpProblem(404, "no_such_charge", "no charge with id '" + chargeId + "'"));
  }

  private static ObjectNode json(Charge charge) {
    ObjectNode json =
        Json.object()
            .put("id", charge.id())
            .put("orderId", charge.orderId())
            .put("amountMinor", charge.amountMinor())
            .put("currency", charge.currency())
            .put("customerId", charge.customerId())
            .put("status", charge.status());
    return charge.captured() ? json : json.put("reason", "card_declined");
  }

  private static ObjectNode json(Refund refund) {
    return Json.object()
        .put("id", refund.id())
        .put("chargeId", refund.chargeId())
        .put("amountMinor", refund.amountMinor())
        .put("status", refund.status());
  }
}
