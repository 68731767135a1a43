package dev.relaybox.devstack.peers;

import dev.relaybox.devstack.peers.FulfillmentServer.Shipment;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link FulfillmentServer} for a test class (register it in a static field with
 * {@code @RegisterExtension}): started before the first test, its fault cleared after each test,
 * closed after the last.
 */
final class WarehouseFixture implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  private FulfillmentServer server;

  @Override
  public void beforeAll(ExtensionContext context) {
    server = FulfillmentServer.start(0);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    server.clearFault();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    server.close();
  }

  /** The running server. */
  FulfillmentServer server() {
    return server;
  }

  /** The server's URL of {@code path}. */
  String url(String path) {
    return server.url() + path;
  }

  /** The server's shipments of one order. */
  List<Shipment> shipmentsOf(String orderId) {
    return server.shipments().stream().filter(s -> s.orderId().equals(orderId)).toList();
  }

  /** {@code prefix} with a random suffix: an order, key or SKU no other test uses. */
  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }
}
