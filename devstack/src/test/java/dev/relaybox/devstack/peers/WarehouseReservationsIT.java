package dev.relaybox.devstack.peers;

import static dev.relaybox.devstack.peers.PeerClient.post;
import static dev.relaybox.devstack.peers.WarehouseFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.devstack.peers.FulfillmentServer.Reservation;
import dev.relaybox.devstack.peers.FulfillmentServer.Shipment;
import dev.relaybox.devstack.peers.PeerClient.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The warehouse's reserve, release, ship-a-reservation and cancel-shipment endpoints. */
class WarehouseReservationsIT {
  @RegisterExtension static final WarehouseFixture warehouse = new WarehouseFixture();

  @Test
  void reserveShipCancelReleaseReturnsTheStockOnceEachAndReplaysByKey() throws IOException {
    String order = unique("order");
    String sku = unique("sku");
    warehouse.server().setStock(sku, 5);
    String reserveKey = unique("key");

    Reply reserved = reserve(reserveKey, order, sku, 2);
    Reply replayed = reserve(reserveKey, order, sku, 2);

    assertThat(reserved.status()).isEqualTo(201);
    assertThat(reserved.text("status")).isEqualTo("reserved");
    assertThat(replayed.status()).isEqualTo(200);
    assertThat(replayed.text("id")).isEqualTo(reserved.text("id"));
    assertThat(warehouse.server().stock(sku)).hasValue(3);

    Reply shipped = post(warehouse.url("/v1/shipments"), unique("key"), linesJson(order, sku, 2));
    assertThat(shipped.status()).isEqualTo(201);
    assertThat(warehouse.server().stock(sku))
        .as("the shipment takes the reserved stock")
        .hasValue(3);
    assertThat(reservationsOf(order))
        .singleElement()
        .extracting(Reservation::status)
        .isEqualTo("shipped");
    assertThat(
            post(warehouse.url("/v1/reservations/release"), unique("key"), orderJson(order))
                .text("error"))
        .as("no release under an active shipment")
        .isEqualTo("shipment_active");

    String cancelKey = unique("key");
    Reply cancelled = post(warehouse.url("/v1/shipments/cancel"), cancelKey, orderJson(order));
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.body().path("cancelled")).hasSize(1);
    assertThat(
            post(warehouse.url("/v1/shipments/cancel"), unique("key"), orderJson(order))
                .body()
                .path("cancelled"))
        .as("a second cancellation with a new key finds nothing to cancel")
        .isEmpty();
    assertThat(warehouse.shipmentsOf(order))
        .singleElement()
        .extracting(Shipment::status)
        .isEqualTo("cancelled");

    String releaseKey = unique("key");
    assertThat(release(releaseKey).apply(order).body().path("released")).hasSize(1);
    assertThat(release(releaseKey).apply(order).header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(release(unique("key")).apply(order).body().path("released")).isEmpty();
    assertThat(warehouse.server().stock(sku)).hasValue(5);
    assertThat(reservationsOf(order))
        .singleElement()
        .extracting(Reservation::status)
        .isEqualTo("released");
  }

  @Test
  void outOfStockReservationIsARecordedPermanentRefusalHoldingNothing() throws IOException {
    String order = unique("order");
    String sku = unique("sku");
    warehouse.server().setStock(sku, 1);
    String key = unique("key");

    Reply refused = reserve(key, order, sku, 2);
    warehouse.server().setStock(sku, 10);

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.text("error")).isEqualTo("out_of_stock");
    assertThat(refused.text("sku")).isEqualTo(sku);
    assertThat(reserve(key, order, sku, 2).status()).as("replayed after a restock").isEqualTo(409);
    assertThat(reservationsOf(order))
        .singleElement()
        .satisfies(r -> assertThat(r.held()).isFalse());
    assertThat(release(unique("key")).apply(order).body().path("released")).isEmpty();
    assertThat(warehouse.server().stock(sku)).hasValue(10);
  }

  @Test
  void outageAppliesNothingThenClearsItself() throws IOException {
    String order = unique("order");
    warehouse.server().setFault(Fault.crash().lastingFor(Duration.ofSeconds(30)));
    String key = unique("key");

    assertThat(reserve(key, order, "sku-o", 1).status()).isEqualTo(500);
    assertThat(reservationsOf(order)).isEmpty();
    warehouse.server().clearFault();
    assertThat(reserve(key, order, "sku-o", 1).status()).isEqualTo(201);
  }

  private interface Release {
    Reply apply(String order) throws IOException;
  }

  private static Release release(String key) {
    return order -> post(warehouse.url("/v1/reservations/release"), key, orderJson(order));
  }

  private static Reply reserve(String key, String order, String sku, int quantity)
      throws IOException {
    return post(warehouse.url("/v1/reservations"), key, linesJson(order, sku, quantity));
  }

  private static String linesJson(String order, String sku, int quantity) {
    return "{\"orderId\":\""
        + order
        + "\",\"lines\":[{\"sku\":\""
        + sku
        + "\",\"quantity\":"
        + quantity
        + "}]}";
  }

  private static String orderJson(String order) {
    return "{\"orderId\":\"" + order + "\"}";
  }

  private static List<Reservation> reservationsOf(String order) {
    return warehouse.server().reservations().stream()
        .filter(r -> r.orderId().equals(order))
        .toList();
  }
}
