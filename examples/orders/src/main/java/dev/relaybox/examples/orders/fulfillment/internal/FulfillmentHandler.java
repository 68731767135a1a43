package dev.relaybox.examples.orders.fulfillment.internal;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import dev.relaybox.examples.orders.events.CancelShipment;
import dev.relaybox.examples.orders.events.ReleaseStock;
import dev.relaybox.examples.orders.events.ReserveStock;
import dev.relaybox.examples.orders.events.ShipOrder;
import dev.relaybox.examples.orders.events.ShipmentCancelled;
import dev.relaybox.examples.orders.events.ShipmentDispatched;
import dev.relaybox.examples.orders.events.ShipmentFailed;
import dev.relaybox.examples.orders.events.StockReleased;
import dev.relaybox.examples.orders.events.StockReserved;
import dev.relaybox.examples.orders.events.StockUnavailable;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warehouse commands of the order-fulfilment saga; see {@code FulfillmentService}. Stateless,
 * so thread-safe: the runner calls it for different orders at once.
 */
public final class FulfillmentHandler implements TwoPhaseEventHandler<WarehouseClient.Answer> {

  private static final Logger log = LoggerFactory.getLogger(FulfillmentHandler.class);

  /** A ShipmentDispatched's carrier: the fake warehouse ships with its own. */
  private static final String CARRIER = "WAREHOUSE";

  private final WarehouseClient warehouse;
  private final Outbox outbox;
  private final String replyAggregateType;
  private final String insertRequest;

  public FulfillmentHandler(
      WarehouseClient warehouse, Outbox outbox, String schema, String replyAggregateType) {
    this.warehouse = warehouse;
    this.outbox = outbox;
    this.replyAggregateType = replyAggregateType;
    this.insertRequest =
        "INSERT INTO \""
            + schema
            + "\".warehouse_requests (event_id, order_id, request_id, command, reference, refusal)"
            + " VALUES (?, ?, ?, ?, ?, ?)";
  }

  @Override
  public WarehouseClient.Answer call(ConsumedEvent event) throws Exception {
    Object command = event.value();
    if (command instanceof ReserveStock c) {
      return warehouse.reserve(c.getRequestId(), c.getOrderId(), c.getQuantities());
    } else if (command instanceof ReleaseStock c) {
      return warehouse.release(c.getRequestId(), c.getOrderId());
    } else if (command instanceof ShipOrder c) {
      return warehouse.ship(c.getRequestId(), c.getOrderId(), c.getQuantities());
    } else if (command instanceof CancelShipment c) {
      return warehouse.cancelShipment(c.getRequestId(), c.getOrderId());
    }
    return null;
  }

  @Override
  public void record(ConsumedEvent event, WarehouseClient.Answer answer, Connection tx)
      throws Exception {
    if (answer == null) {
      return;
    }
    UUID id = replyId(event);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String orderId;
    UUID requestId;
    SpecificRecord reply;
    Object command = event.value();
    if (command instanceof ReserveStock c) {
      orderId = c.getOrderId();
      requestId = c.getRequestId();
      reply =
          answer.refused()
              ? new StockUnavailable(id, now, orderId, answer.refusal())
              : new StockReserved(id, now, orderId, answer.reference());
    } else if (command instanceof ReleaseStock c) {
      orderId = c.getOrderId();
      requestId = c.getRequestId();
      reply = new StockReleased(id, now, orderId, Integer.parseInt(answer.reference()));
    } else if (command instanceof ShipOrder c) {
      orderId = c.getOrderId();
      requestId = c.getRequestId();
      reply =
          answer.refused()
              ? new ShipmentFailed(id, now, orderId, answer.refusal())
              : new ShipmentDispatched(
                  id, now, orderId, answer.reference(), CARRIER, answer.reference());
    } else {
      CancelShipment c = (CancelShipment) command;
      orderId = c.getOrderId();
      requestId = c.getRequestId();
      reply = new ShipmentCancelled(id, now, orderId, Integer.parseInt(answer.reference()));
    }
    String commandType = command.getClass().getSimpleName();
    try (PreparedStatement ps = tx.prepareStatement(insertRequest)) {
      ps.setObject(1, event.eventId());
      ps.setString(2, orderId);
      ps.setObject(3, requestId);
      ps.setString(4, commandType);
      ps.setString(5, answer.reference());
      ps.setString(6, answer.refusal());
      ps.executeUpdate();
    }
    outbox.publish(tx, OutboxEvent.of(replyAggregateType, orderId, reply));
    log.info(
        "warehouse {} eventId={} orderId={} requestId={} reply={} reference={}",
        commandType,
        event.eventId(),
        orderId,
        requestId,
        reply.getClass().getSimpleName(),
        answer.refused() ? answer.refusal() : answer.reference());
  }

  /** Derived from the command's id: the same command always yields the same reply id. */
  private static UUID replyId(ConsumedEvent event) {
    return UUID.nameUUIDFromBytes(
        ("fulfillment:" + event.eventId()).getBytes(StandardCharsets.UTF_8));
  }
}
