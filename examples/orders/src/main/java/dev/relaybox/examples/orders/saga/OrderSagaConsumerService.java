package dev.relaybox.examples.orders.saga;

import dev.relaybox.config.Setting;
import dev.relaybox.consumers.EventHandler;
import dev.relaybox.consumers.host.ConsumerService;
import dev.relaybox.consumers.host.ServiceContext;
import dev.relaybox.consumers.saga.SagaDefinition;
import dev.relaybox.consumers.saga.Sagas;
import dev.relaybox.examples.orders.OrderService;
import dev.relaybox.examples.orders.events.CancelShipment;
import dev.relaybox.examples.orders.events.ChargePayment;
import dev.relaybox.examples.orders.events.EmailRequested;
import dev.relaybox.examples.orders.events.OrderPlaced;
import dev.relaybox.examples.orders.events.RefundPayment;
import dev.relaybox.examples.orders.events.ReleaseStock;
import dev.relaybox.examples.orders.events.ReserveStock;
import dev.relaybox.examples.orders.events.ShipOrder;
import dev.relaybox.examples.orders.internal.ServiceSupport;
import dev.relaybox.outbox.Outbox;
import java.time.Duration;
import java.util.List;

/**
 * The orchestrator of the {@link OrderFulfilment} saga as a consumer service of the host ({@code
 * services=orders}, group {@code orders.group}): begins one saga per {@code OrderPlaced} (in the
 * transaction of the event's processed key, so a redelivered order never begins two) and moves the
 * sagas on the payments and fulfillment replies. Its deadlines and retries run on the host's saga
 * poller ({@code saga.poll.interval.ms}); {@code relaybox sagas --type order-fulfilment} shows and
 * moves them.
 *
 * <p>It is a service of its own rather than part of {@link OrderService}: the order service is a
 * plain outbox producer that any application embeds, while a saga needs a consumer (its replies), a
 * processed-keys table (exactly-once moves) and a poller (its deadlines), which the service host
 * provides.
 */
public final class OrderSagaConsumerService implements ConsumerService {

  /** Service name and default consumer group. */
  public static final String NAME = "orders";

  /** How long the charge and the reservation wait for their reply before sending again. */
  public static final Setting<Duration> REPLY_DEADLINE =
      Setting.millis("orders.reply.deadline.ms", 1000, Integer.MAX_VALUE)
          .defaultValue("120000")
          .doc(
              "how long the charge and the stock reservation wait for their reply before their"
                  + " command is sent again (same request id, so never acted on twice)")
          .build();

  /** How long the shipment waits for its reply before the saga compensates it. */
  public static final Setting<Duration> SHIP_DEADLINE =
      Setting.millis("orders.ship.deadline.ms", 1000, Integer.MAX_VALUE)
          .defaultValue("60000")
          .doc(
              "how long the shipment (and its cancellation) waits for the warehouse's reply; a"
                  + " shipment past it is cancelled and the order compensated")
          .build();

  /** The {@code warehouseId} of {@code ShipOrder}. */
  public static final Setting<String> WAREHOUSE_ID =
      Setting.text("orders.warehouse.id")
          .defaultValue("main")
          .doc("`warehouseId` of the `ShipOrder` commands")
          .build();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(REPLY_DEADLINE, SHIP_DEADLINE, WAREHOUSE_ID);
  }

  @Override
  public void start(ServiceContext context) {
    Outbox outbox =
        ServiceSupport.outbox(
            context,
            ChargePayment.getClassSchema(),
            RefundPayment.getClassSchema(),
            ReserveStock.getClassSchema(),
            ReleaseStock.getClassSchema(),
            ShipOrder.getClassSchema(),
            CancelShipment.getClassSchema(),
            EmailRequested.getClassSchema());
    SagaDefinition<OrderData> saga =
        OrderFulfilment.definition(
            context.get(REPLY_DEADLINE), context.get(SHIP_DEADLINE), context.get(WAREHOUSE_ID));
    Sagas sagas = context.closeOnStop(context.sagas().outbox(outbox).saga(saga).build().start());
    EventHandler replies = sagas.replyHandler(saga, OrderFulfilment::reply);
    context.run(
        ServiceSupport.runner(
                context,
                OrderService.AGGREGATE_TYPE,
                OrderFulfilment.PAYMENT_REPLIES,
                OrderFulfilment.WAREHOUSE_REPLIES)
            .handler(
                (event, tx) -> {
                  if (event.value() instanceof OrderPlaced order) {
                    sagas.begin(tx, saga, order.getOrderId(), OrderData.of(order));
                  } else {
                    replies.handle(event, tx);
                  }
                }));
  }
}
