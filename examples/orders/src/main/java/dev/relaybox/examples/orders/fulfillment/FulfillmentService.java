package dev.relaybox.examples.orders.fulfillment;

import dev.relaybox.consumers.TwoPhaseEventHandler;
import dev.relaybox.examples.orders.fulfillment.internal.FulfillmentHandler;
import dev.relaybox.examples.orders.fulfillment.internal.WarehouseClient;
import dev.relaybox.examples.orders.internal.HttpServiceBuilder;
import dev.relaybox.examples.orders.internal.Migrations;
import dev.relaybox.examples.orders.saga.OrderFulfilment;
import javax.sql.DataSource;

/**
 * The fulfillment service: the warehouse participant of the order-fulfilment saga, a plain command
 * handler. Each command is one warehouse call with {@code Idempotency-Key} = the command's {@code
 * requestId} (the same for every attempt of a saga step), then one {@code warehouse_requests} row
 * and the reply, in the transaction of the command's processed key:
 *
 * <ul>
 *   <li>{@code ReserveStock} → {@code POST /v1/reservations} → {@code StockReserved}, or {@code
 *       StockUnavailable} on a 409 {@code out_of_stock} (a business refusal, not an error);
 *   <li>{@code ReleaseStock} → {@code POST /v1/reservations/release} → {@code StockReleased};
 *   <li>{@code ShipOrder} → {@code POST /v1/shipments} → {@code ShipmentDispatched}, or {@code
 *       ShipmentFailed} on a 409;
 *   <li>{@code CancelShipment} → {@code POST /v1/shipments/cancel} → {@code ShipmentCancelled}.
 * </ul>
 *
 * <p>Releasing and cancelling are idempotent at the warehouse by state too (nothing held, nothing
 * to cancel: a count of 0). Replies go out with aggregate type {@value #AGGREGATE_TYPE}, aggregate
 * id = the order id, event id derived from the command's. Other event types are ignored.
 */
public final class FulfillmentService {

  /** Default consumer group. */
  public static final String DEFAULT_GROUP = "fulfillment";

  /** Classpath location of the {@code warehouse_requests} table migrations. */
  public static final String MIGRATIONS_LOCATION =
      "classpath:dev/relaybox/examples/orders/db/fulfillment";

  /** Aggregate type of the replies: topic {@code outbox.event.fulfillment}. */
  public static final String AGGREGATE_TYPE = OrderFulfilment.WAREHOUSE_REPLIES;

  /** Aggregate type of the commands it consumes: topic {@code outbox.event.warehouse-command}. */
  public static final String COMMANDS_AGGREGATE_TYPE = OrderFulfilment.WAREHOUSE_COMMANDS;

  private final DataSource dataSource;
  private final String schema;
  private final FulfillmentHandler handler;

  private FulfillmentService(HttpServiceBuilder.Settings settings) {
    this.dataSource = settings.dataSource();
    this.schema = settings.schema();
    this.handler =
        new FulfillmentHandler(
            new WarehouseClient(settings.http()), settings.outbox(), schema, AGGREGATE_TYPE);
  }

  /** A builder with the defaults listed on its setters. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates or upgrades the {@code warehouse_requests} table (history table {@code
   * fulfillment_schema_history}; V2 drops the former {@code fulfillment_orders}).
   */
  public void migrate() {
    Migrations.migrate(dataSource, MIGRATIONS_LOCATION, schema, "fulfillment_schema_history");
  }

  /** The handler to give the {@link dev.relaybox.consumers.ConsumerRunner}. */
  public TwoPhaseEventHandler<?> handler() {
    return handler;
  }

  /**
   * Configuration of a {@link FulfillmentService}; every setter returns {@code this}. The service's
   * table is {@code warehouse_requests}; the third party is the warehouse.
   */
  public static final class Builder extends HttpServiceBuilder<Builder> {
    private String warehouseUrl;

    private Builder() {}

    /** Base URL of the warehouse's shipment API. Required. */
    public Builder warehouseUrl(String warehouseUrl) {
      this.warehouseUrl = warehouseUrl;
      return this;
    }

    /**
     * Validates and builds the service.
     *
     * @throws NullPointerException naming a missing property
     * @throws IllegalArgumentException naming an invalid property
     */
    public FulfillmentService build() {
      return new FulfillmentService(settings("warehouseUrl", warehouseUrl));
    }
  }
}
