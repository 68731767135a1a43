package dev.relaybox.devstack.peers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaybox.devstack.peers.FulfillmentServer.Line;
import dev.relaybox.devstack.peers.FulfillmentServer.Reservation;
import dev.relaybox.devstack.peers.FulfillmentServer.Shipment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** The fulfillment peer's state and request handling; every method holds the warehouse's lock. */
public final class Warehouse {
  private final List<Shipment> shipments = new ArrayList<>();
  private final List<Reservation> reservations = new ArrayList<>();

  /** Shipment id → the reservation it ships, for shipments of a reserved order. */
  private final Map<String, String> shipped = new HashMap<>();

  private final Map<String, Integer> stock = new HashMap<>();
  private final IdempotentResponses responses = new IdempotentResponses();

  public List<PeerHttpServer.Route> routes() {
    return List.of(
        new PeerHttpServer.Route("POST", "/v1/reservations", true, this::reserve),
        new PeerHttpServer.Route("POST", "/v1/reservations/release", true, this::release),
        new PeerHttpServer.Route("POST", "/v1/shipments", true, this::ship),
        new PeerHttpServer.Route("POST", "/v1/shipments/cancel", true, this::cancel),
        new PeerHttpServer.Route("GET", "/_shipments", false, request -> shipmentsJson()),
        new PeerHttpServer.Route("GET", "/_reservations", false, request -> reservationsJson()),
        new PeerHttpServer.Route("GET", "/_stock", false, request -> stockJson()),
        new PeerHttpServer.Route("PUT", "/_stock/{sku}", false, this::putStock),
        new PeerHttpServer.Route("POST", "/_out-of-stock", false, this::outOfStock));
  }

  public synchronized List<Shipment> shipments() {
    return List.copyOf(shipments);
  }

  public synchronized List<Reservation> reservations() {
    return List.copyOf(reservations);
  }

  public synchronized void setStock(String sku, int available) {
    Objects.requireNonNull(sku, "sku");
    if (available < 0) {
      throw new IllegalArgumentException(
          "available must not be negative, was " + available + " for sku " + sku);
    }
    stock.put(sku, available);
  }

  public synchronized OptionalInt stock(String sku) {
    Integer available = stock.get(sku);
    return available == null ? OptionalInt.empty() : OptionalInt.of(available);
  }

  private synchronized PeerResponse reserve(PeerRequest request) {
    return responses.execute(
        request,
        body -> {
          String orderId = Json.requiredText(body, "orderId");
          List<Line> lines = lines(body);
          String refusedSku = take(lines);
          Reservation reservation =
              new Reservation(
                  "res_" + UUID.randomUUID().toString().replace("-", ""),
                  orderId,
                  lines,
                  refusedSku == null ? "reserved" : "out_of_stock",
                  refusedSku,
                  request.idempotencyKey(),
                  Instant.now());
          reservations.add(reservation);
          return refusedSku != null
              ? outOfStock(orderId, refusedSku, reservation.id())
              : PeerResponse.json(
                  201,
                  Json.object()
                      .put("id", reservation.id())
                      .put("orderId", orderId)
                      .put("status", reservation.status()));
        });
  }

  private synchronized PeerResponse release(PeerRequest request) {
    return responses.execute(
        request,
        body -> {
          String orderId = Json.requiredText(body, "orderId");
          if (shipments.stream().anyMatch(s -> s.orderId().equals(orderId) && s.requested())) {
            return PeerResponse.error(
                409,
                "shipment_active",
                "order " + orderId + " has a shipment: cancel it before releasing its stock");
          }
          ArrayNode released = Json.array();
          update(
              reservations,
              r -> r.orderId().equals(orderId) && "reserved".equals(r.status()),
              r -> {
                giveBack(r.lines());
                released.add(r.id());
                return r.withStatus("released");
              });
          return PeerResponse.json(
              200, Json.object().put("orderId", orderId).set("released", released));
        });
  }

  private synchronized PeerResponse ship(PeerRequest request) {
    return responses.execute(
        request,
        body -> {
          String orderId = Json.requiredText(body, "orderId");
          List<Line> lines = lines(body);
          JsonNode addressJson = body.get("address");
          String address =
              addressJson == null || addressJson.isNull()
                  ? null
                  : addressJson.isTextual() ? addressJson.asText() : addressJson.toString();
          Reservation held =
              reservations.stream()
                  .filter(r -> r.orderId().equals(orderId) && "reserved".equals(r.status()))
                  .findFirst()
                  .orElse(null);
          String refusedSku = held != null ? null : take(lines);
          Shipment shipment =
              new Shipment(
                  "shp_" + UUID.randomUUID().toString().replace("-", ""),
                  orderId,
                  lines,
                  address,
                  refusedSku == null ? "requested" : "out_of_stock",
                  refusedSku,
                  request.idempotencyKey(),
                  Instant.now());
          shipments.add(shipment);
          if (held != null) {
            update(reservations, r -> r.id().equals(held.id()), r -> r.withStatus("shipped"));
            shipped.put(shipment.id(), held.id());
          }
          return refusedSku != null
              ? outOfStock(orderId, refusedSku, shipment.id())
              : PeerResponse.json(
                  201,
                  Json.object()
                      .put("id", shipment.id())
                      .put("orderId", orderId)
                      .put("status", shipment.status()));
        });
  }

  private synchronized PeerResponse cancel(PeerRequest request) {
    return responses.execute(
        request,
        body -> {
          String orderId = Json.requiredText(body, "orderId");
          ArrayNode cancelled = Json.array();
          update(
              shipments,
              s -> s.orderId().equals(orderId) && s.requested(),
              s -> {
                String reservation = shipped.remove(s.id());
                if (reservation == null) {
                  giveBack(s.lines());
                } else {
                  update(
                      reservations, r -> r.id().equals(reservation), r -> r.withStatus("reserved"));
                }
                cancelled.add(s.id());
                return s.withStatus("cancelled");
              });
          return PeerResponse.json(
              200, Json.object().put("orderId", orderId).set("cancelled", cancelled));
        });
  }

  /** Takes the stock of every line, or of none: returns the first SKU short of stock, if any. */
  private String take(List<Line> lines) {
    String refusedSku =
        lines.stream()
            .filter(line -> stock.getOrDefault(line.sku(), Integer.MAX_VALUE) < line.quantity())
            .map(Line::sku)
            .findFirst()
            .orElse(null);
    if (refusedSku == null) {
      lines.stream()
          .filter(line -> stock.containsKey(line.sku()))
          .forEach(line -> stock.merge(line.sku(), -line.quantity(), Integer::sum));
    }
    return refusedSku;
  }

  private void giveBack(List<Line> lines) {
    lines.stream()
        .filter(line -> stock.containsKey(line.sku()))
        .forEach(line -> stock.merge(line.sku(), line.quantity(), Integer::sum));
  }

  private static <T> void update(
      List<T> items, java.util.function.Predicate<T> which, UnaryOperator<T> change) {
    for (int i = 0; i < items.size(); i++) {
      if (which.test(items.get(i))) {
        items.set(i, change.apply(items.get(i)));
      }
    }
  }

  private static PeerResponse outOfStock(String orderId, String sku, String id) {
    return PeerResponse.json(
        409,
        Json.object()
            .put("error", "out_of_stock")
            .put("sku", sku)
            .put("orderId", orderId)
            .put("id", id)
            .put("message", "sku " + sku + " is out of stock: permanent refusal"));
  }

  private static List<Line> lines(JsonNode body) {
    JsonNode lines = body.get("lines");
    if (lines == null || !lines.isArray() || lines.isEmpty()) {
      throw Json.invalid("lines is required and must be a non-empty array of {sku, quantity}");
    }
    List<Line> parsed = new ArrayList<>();
    for (JsonNode line : lines) {
      if (!line.isObject()) {
        throw Json.invalid("each of lines must be an object {sku, quantity}");
      }
      long quantity = Json.requiredLong(line, "quantity", 1);
      if (quantity > Integer.MAX_VALUE) {
        throw Json.invalid("quantity is too large: " + quantity);
      }
      parsed.add(new Line(Json.requiredText(line, "sku"), (int) quantity));
    }
    return parsed;
  }

  private synchronized PeerResponse shipmentsJson() {
    ArrayNode array = Json.array();
    for (Shipment shipment : shipments) {
      ObjectNode json =
          Json.object()
              .put("id", shipment.id())
              .put("orderId", shipment.orderId())
              .put("address", shipment.address())
              .put("status", shipment.status())
              .put("refusedSku", shipment.refusedSku())
              .put("idempotencyKey", shipment.idempotencyKey())
              .put("createdAt", shipment.createdAt().toString());
      linesJson(json, shipment.lines());
      array.add(json);
    }
    return PeerResponse.json(200, Json.object().set("shipments", array));
  }

  private synchronized PeerResponse reservationsJson() {
    ArrayNode array = Json.array();
    for (Reservation reservation : reservations) {
      ObjectNode json =
          Json.object()
              .put("id", reservation.id())
              .put("orderId", reservation.orderId())
              .put("status", reservation.status())
              .put("refusedSku", reservation.refusedSku())
              .put("idempotencyKey", reservation.idempotencyKey())
              .put("createdAt", reservation.createdAt().toString());
      linesJson(json, reservation.lines());
      array.add(json);
    }
    return PeerResponse.json(200, Json.object().set("reservations", array));
  }

  private static void linesJson(ObjectNode json, List<Line> lines) {
    ArrayNode array = json.putArray("lines");
    lines.forEach(
        line -> array.addObject().put("sku", line.sku()).put("quantity", line.quantity()));
  }

  private synchronized PeerResponse stockJson() {
    ObjectNode json = Json.object();
    new TreeMap<>(stock).forEach(json::put);
    return PeerResponse.json(200, json);
  }

  private PeerResponse putStock(PeerRequest request) {
    String sku = request.pathParams().get("sku");
    long available = Json.requiredLong(request.jsonObject(), "available", 0);
    if (available > Integer.MAX_VALUE) {
      throw Json.invalid("available is too large: " + available);
    }
    setStock(sku, (int) available);
    return PeerResponse.json(200, Json.object().put("sku", sku).put("available", available));
  }

  private PeerResponse outOfStock(PeerRequest request) {
    List<String> skus = Json.requiredTexts(request.jsonObject(), "skus");
    skus.forEach(sku -> setStock(sku, 0));
    return stockJson();
  }
}
