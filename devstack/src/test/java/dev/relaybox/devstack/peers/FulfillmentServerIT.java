package dev.relaybox.devstack.peers;

import static dev.relaybox.devstack.peers.PeerClient.get;
import static dev.relaybox.devstack.peers.PeerClient.post;
import static dev.relaybox.devstack.peers.PeerClient.put;
import static dev.relaybox.devstack.peers.WarehouseFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.peers.FulfillmentServer.Line;
import dev.relaybox.devstack.peers.PeerClient.Reply;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FulfillmentServerIT {
  @RegisterExtension static final WarehouseFixture warehouse = new WarehouseFixture();

  @Test
  void sameKeyTwiceShipsOnceAndReplays() throws IOException {
    String orderId = unique("order");
    String key = unique("key");
    String sku = unique("sku");

    Reply first = ship(key, orderId, sku, 2);
    Reply second = ship(key, orderId, sku, 2);

    assertThat(first.status()).isEqualTo(201);
    assertThat(first.text("status")).isEqualTo("requested");
    assertThat(first.text("orderId")).isEqualTo(orderId);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(second.text("id")).isEqualTo(first.text("id"));
    assertThat(warehouse.shipmentsOf(orderId))
        .singleElement()
        .satisfies(
            shipment -> {
              assertThat(shipment.requested()).isTrue();
              assertThat(shipment.lines()).containsExactly(new Line(sku, 2));
              assertThat(shipment.address()).isEqualTo("1 Main St");
            });
    assertThat(get(warehouse.url("/_shipments")).body().path("shipments").findValuesAsText("id"))
        .contains(first.text("id"));
  }

  @Test
  void keyReusedWithAnotherBodyIsRefusedWithoutEffect() throws IOException {
    String orderId = unique("order");
    String key = unique("key");
    ship(key, orderId, "sku-a", 1);

    Reply reused = ship(key, orderId, "sku-a", 5);

    assertThat(reused.status()).isEqualTo(422);
    assertThat(reused.text("error")).isEqualTo("idempotency_key_reused");
    assertThat(warehouse.shipmentsOf(orderId)).hasSize(1);
  }

  @Test
  void missingKeyIsA400WithoutEffect() throws IOException {
    String orderId = unique("order");

    Reply noKey = post(warehouse.url("/v1/shipments"), null, shipmentJson(orderId, "sku-b", 1));

    assertThat(noKey.status()).isEqualTo(400);
    assertThat(warehouse.shipmentsOf(orderId)).isEmpty();
  }

  @Test
  void outOfStockIsAPermanentRecordedRefusal() throws IOException {
    String orderId = unique("order");
    String key = unique("key");
    String sku = unique("sku");
    Reply marked = post(warehouse.url("/_out-of-stock"), null, "{\"skus\":[\"" + sku + "\"]}");

    Reply refused = ship(key, orderId, sku, 1);
    Reply restocked = put(warehouse.url("/_stock/") + sku, "{\"available\":10}");
    Reply replayed = ship(key, orderId, sku, 1);

    assertThat(marked.status()).isEqualTo(200);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.text("error")).isEqualTo("out_of_stock");
    assertThat(refused.text("sku")).isEqualTo(sku);
    assertThat(restocked.status()).isEqualTo(200);
    assertThat(replayed.status()).isEqualTo(409);
    assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(warehouse.shipmentsOf(orderId))
        .singleElement()
        .satisfies(
            shipment -> {
              assertThat(shipment.status()).isEqualTo("out_of_stock");
              assertThat(shipment.refusedSku()).isEqualTo(sku);
            });

    Reply newKey = ship(unique("key"), orderId, sku, 3);

    assertThat(newKey.status()).isEqualTo(201);
    assertThat(warehouse.server().stock(sku)).hasValue(7);
    assertThat(get(warehouse.url("/_stock")).body().path(sku).asInt()).isEqualTo(7);
  }

  @Test
  void stockSetInJavaLimitsQuantities() throws IOException {
    String sku = unique("sku");
    warehouse.server().setStock(sku, 1);

    Reply tooMany = ship(unique("key"), unique("order"), sku, 2);
    Reply one = ship(unique("key"), unique("order"), sku, 1);
    Reply none = ship(unique("key"), unique("order"), sku, 1);

    assertThat(tooMany.status()).isEqualTo(409);
    assertThat(one.status()).isEqualTo(201);
    assertThat(none.status()).isEqualTo(409);
    assertThat(warehouse.server().stock(sku)).hasValue(0);
    assertThat(warehouse.server().stock(unique("never-configured"))).isEmpty();
  }

  @Test
  void crashAppliesNoEffect() throws IOException {
    String orderId = unique("order");
    warehouse.server().setFault(Fault.crash());

    Reply crashed = ship(unique("key"), orderId, "sku-c", 1);

    assertThat(crashed.status()).isEqualTo(500);
    assertThat(crashed.text("error")).isEqualTo("injected_crash");
    assertThat(warehouse.shipmentsOf(orderId)).isEmpty();
  }

  @Test
  void throttleAnswers429WithRetryAfterAndNoEffect() throws IOException {
    String orderId = unique("order");
    warehouse.server().setFault(Fault.throttle(2));

    Reply throttled = ship(unique("key"), orderId, "sku-d", 1);

    assertThat(throttled.status()).isEqualTo(429);
    assertThat(throttled.header("Retry-After")).isEqualTo("2");
    assertThat(warehouse.shipmentsOf(orderId)).isEmpty();
  }

  @Test
  void slowResponseStillShipsAndTheRetryReplays() throws IOException {
    String orderId = unique("order");
    String key = unique("key");
    warehouse.server().setFault(Fault.slow(Duration.ofSeconds(2)));

    assertThatThrownBy(
            () ->
                post(
                    warehouse.url("/v1/shipments"),
                    key,
                    shipmentJson(orderId, "sku-e", 1),
                    Duration.ofMillis(300)))
        .isInstanceOf(HttpTimeoutException.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> warehouse.shipmentsOf(orderId).size() == 1);
    warehouse.server().clearFault();
    Reply retried = ship(key, orderId, "sku-e", 1);

    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(warehouse.shipmentsOf(orderId)).hasSize(1);
  }

  @Test
  void faultWithDurationClearsItself() throws IOException {
    warehouse.server().setFault(Fault.throttle(1).lastingFor(Duration.ofMillis(400)));

    assertThat(ship(unique("key"), unique("order"), "sku-f", 1).status()).isEqualTo(429);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> warehouse.server().fault().mode() == Fault.Mode.NONE);
    assertThat(ship(unique("key"), unique("order"), "sku-f", 1).status()).isEqualTo(201);
  }

  private static Reply ship(String key, String orderId, String sku, int quantity)
      throws IOException {
    return post(warehouse.url("/v1/shipments"), key, shipmentJson(orderId, sku, quantity));
  }

  private static String shipmentJson(String orderId, String sku, int quantity) {
    return "{\"orderId\":\""
        + orderId
        + "\",\"lines\":[{\"sku\":\""
        + sku
        + "\",\"quantity\":"
        + quantity
        + "}],\"address\":\"1 Main St\"}";
  }
}
