package dev.relaybox.examples.orders.fulfillment;

import dev.relaybox.config.Setting;
import dev.relaybox.consumers.host.ConsumerService;
import dev.relaybox.consumers.host.ServiceContext;
import dev.relaybox.examples.orders.events.FulfillmentRequested;
import dev.relaybox.examples.orders.events.OrderCancelled;
import dev.relaybox.examples.orders.events.RefundRequested;
import dev.relaybox.examples.orders.internal.ServiceSupport;
import dev.relaybox.examples.orders.payments.PaymentsHandler;
import dev.relaybox.outbox.Outbox;
import java.time.Duration;
import java.util.List;

/**
 * The {@link FulfillmentService} as a consumer service of the host ({@code services=fulfillment}):
 * consumes the order and payment topics in group {@code fulfillment.group}.
 */
public final class FulfillmentConsumerService implements ConsumerService {

  /** The warehouse's base URL. */
  public static final Setting<String> WAREHOUSE_URL =
      Setting.text("fulfillment.warehouse.url").doc("warehouse base URL").build();

  /** The {@code warehouseId} of {@code FulfillmentRequested}. */
  public static final Setting<String> WAREHOUSE_ID =
      Setting.text("fulfillment.warehouse.id")
          .defaultValue("main")
          .doc("`warehouseId` of `FulfillmentRequested`")
          .build();

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
    return List.of(WAREHOUSE_URL, WAREHOUSE_ID, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
  }

  @Override
  public void start(ServiceContext context) {
    Outbox outbox =
        ServiceSupport.outbox(
            context,
            FulfillmentRequested.getClassSchema(),
            RefundRequested.getClassSchema(),
            OrderCancelled.getClassSchema());
    FulfillmentService fulfillment =
        FulfillmentService.builder()
            .dataSource(context.dataSource())
            .outbox(outbox)
            .schema(context.schema())
            .warehouseUrl(context.get(WAREHOUSE_URL))
            .warehouseId(context.get(WAREHOUSE_ID))
            .connectTimeout(context.get(CONNECT_TIMEOUT))
            .requestTimeout(context.get(REQUEST_TIMEOUT))
            .build();
    fulfillment.migrate();
    context.run(
        context
            .runner()
            .topics(
                context.topicFor(FulfillmentService.ORDER_AGGREGATE_TYPE),
                context.topicFor(PaymentsHandler.AGGREGATE_TYPE))
            .handler(fulfillment.handler()));
  }
}
