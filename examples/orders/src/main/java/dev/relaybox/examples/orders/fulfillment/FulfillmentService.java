package dev.relaybox.examples.orders.fulfillment;

import dev.relaybox.consumers.TwoPhaseEventHandler;
import dev.relaybox.examples.orders.fulfillment.internal.FulfillmentHandler;
import dev.relaybox.examples.orders.fulfillment.internal.WarehouseClient;
import dev.relaybox.examples.orders.internal.Checks;
import dev.relaybox.examples.orders.internal.HttpServiceBuilder;
import dev.relaybox.examples.orders.internal.Migrations;
import javax.sql.DataSource;

/**
 * The fulfillment service, which also owns the out-of-stock compensation of the order saga.
 *
 * <ul>
 *   <li>{@code OrderPlaced} → remembers the order's lines and customer in {@code
 *       fulfillment_orders} (the payment events do not carry them);
 *   <li>{@code PaymentCaptured} → {@code POST /v1/shipments} with {@code Idempotency-Key} = the
 *       event id, then publishes {@code FulfillmentRequested}; a 409 {@code out_of_stock} is a
 *       permanent business refusal that starts the compensation: it publishes {@code
 *       RefundRequested} instead;
 *   <li>{@code RefundIssued} for an order whose refund this service requested → publishes {@code
 *       OrderCancelled} (reason {@code OUT_OF_STOCK}), once; other refunds are ignored.
 * </ul>
 *
 * <p>A {@code PaymentCaptured} whose {@code OrderPlaced} has not been consumed yet (the order topic
 * lags) is retried ({@link dev.relaybox.consumers.RetryableEventException}). {@code
 * FulfillmentRequested} and {@code RefundRequested} go out with aggregate type {@value
 * #AGGREGATE_TYPE}, {@code OrderCancelled} with {@value #ORDER_AGGREGATE_TYPE}; the aggregate id is
 * always the order id, and each follow-up event id is derived from the consumed event's id.
 */
public final class FulfillmentService {

  /** Default consumer group. */
  public static final String DEFAULT_GROUP = "fulfillment";

  /** Classpath location of the {@code fulfillment_orders} table migrations. */
  public static final String MIGRATIONS_LOCATION =
      "classpath:dev/relaybox/examples/orders/db/fulfillment";

  /**
   * Aggregate type of FulfillmentRequested and RefundRequested: topic {@code
   * outbox.event.fulfillment}.
   */
  public static final String AGGREGATE_TYPE = "fulfillment";

  /** Aggregate type of OrderCancelled, the order service's: topic {@code outbox.event.order}. */
  public static final String ORDER_AGGREGATE_TYPE = "order";

  /** {@code reason} of the refunds and cancellations this service starts. */
  public static final String OUT_OF_STOCK = "OUT_OF_STOCK";

  private final DataSource dataSource;
  private final String schema;
  private final FulfillmentHandler handler;

  private FulfillmentService(HttpServiceBuilder.Settings settings, String warehouseId) {
    this.dataSource = settings.dataSource();
    this.schema = settings.schema();
    this.handler =
        new FulfillmentHandler(
            new WarehouseClient(settings.http()),
            dataSource,
            settings.outbox(),
            schema,
            warehouseId,
            AGGREGATE_TYPE,
            ORDER_AGGREGATE_TYPE);
  }

  /** A builder with the defaults listed on its setters. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates or upgrades the {@code fulfillment_orders} table (history table {@code
   * fulfillment_schema_history}).
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
   * table is {@code fulfillment_orders}; the third party is the warehouse.
   */
  public static final class Builder extends HttpServiceBuilder<Builder> {
    private String warehouseUrl;
    private String warehouseId = "main";

    private Builder() {}

    /** Base URL of the warehouse's shipment API. Required. */
    public Builder warehouseUrl(String warehouseUrl) {
      this.warehouseUrl = warehouseUrl;
      return this;
    }

    /** {@code warehouseId} of the {@code FulfillmentRequested} events. Default {@code main}. */
    public Builder warehouseId(String warehouseId) {
      this.warehouseId = warehouseId;
      return this;
    }

    /**
     * Validates and builds the service.
     *
     * @throws NullPointerException naming a missing property
     * @throws IllegalArgumentException naming an invalid property
     */
    public FulfillmentService build() {
      HttpServiceBuilder.Settings settings = settings("warehouseUrl", warehouseUrl);
      Checks.requireText("warehouseId", warehouseId);
      return new FulfillmentService(settings, warehouseId);
    }
  }
}
