package dev.relaybox.examples.orders.fulfillment;

import dev.relaybox.config.Setting;
import dev.relaybox.consumers.host.ConsumerService;
import dev.relaybox.consumers.host.ServiceContext;
import dev.relaybox.examples.orders.events.ShipmentCancelled;
import dev.relaybox.examples.orders.events.ShipmentDispatched;
import dev.relaybox.examples.orders.events.ShipmentFailed;
import dev.relaybox.examples.orders.events.StockReleased;
import dev.relaybox.examples.orders.events.StockReserved;
import dev.relaybox.examples.orders.events.StockUnavailable;
import dev.relaybox.examples.orders.internal.ServiceSupport;
import dev.relaybox.outbox.Outbox;
import java.time.Duration;
import java.util.List;

/**
 * The {@link FulfillmentService} as a consumer service of the host ({@code services=fulfillment}):
 * consumes the warehouse commands in group {@code fulfillment.group}.
 */
public final class FulfillmentConsumerService implements ConsumerService {

  /** The warehouse's base URL. */
  public static final Setting<String> WAREHOUSE_URL =
      Setting.text("fulfillment.warehouse.url").doc("warehouse base URL").build();

  private static final Setting<Duration> CONNECT_TIMEOUT =
      ServiceSupport.connectTimeout("fulfillment");
  private static final Setting<Duration> REQUEST_TIMEOUT =
      ServiceSupport.requestTimeout("fulfillment");

  @Override
  public String name() {
    return FulfillmentService.DEFAULT_GROUP;
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(WAREHOUSE_URL, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
  }

  @Override
  public void start(ServiceContext context) {
    Outbox outbox =
        ServiceSupport.outbox(
            context,
            StockReserved.getClassSchema(),
            StockUnavailable.getClassSchema(),
            StockReleased.getClassSchema(),
            ShipmentDispatched.getClassSchema(),
            ShipmentFailed.getClassSchema(),
            ShipmentCancelled.getClassSchema());
    FulfillmentService fulfillment =
        FulfillmentService.builder()
            .dataSource(context.dataSource())
            .outbox(outbox)
            .schema(context.schema())
            .warehouseUrl(context.get(WAREHOUSE_URL))
            .connectTimeout(context.get(CONNECT_TIMEOUT))
            .requestTimeout(context.get(REQUEST_TIMEOUT))
            .build();
    fulfillment.migrate();
    context.run(
        ServiceSupport.runner(context, FulfillmentService.COMMANDS_AGGREGATE_TYPE)
            .handler(fulfillment.handler()));
  }
}
