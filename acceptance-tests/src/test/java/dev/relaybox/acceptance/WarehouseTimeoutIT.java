package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.peers.Fault;
import dev.relaybox.devstack.peers.FulfillmentServer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The warehouse applies each request but answers after 5 s, past the ship step's 2 s deadline: the
 * saga compensates the shipment it cannot know about, starting with its own cancellation, then
 * releases the stock, refunds and tells the customer. The late ShipmentDispatched is ignored; at
 * the warehouse the shipment exists once, cancelled.
 */
@ExtendWith(DevStackExtension.class)
class WarehouseTimeoutIT {

  @Test
  void aShipmentPastItsDeadlineIsCancelledReleasedAndRefunded(DevStack stack) throws Exception {
    try (DemoPipeline pipeline =
        Pipelines.isolated(stack, b -> b.put("orders.ship.deadline.ms", "2000"))) {
      FulfillmentServer warehouse = stack.peers().fulfillment();
      try {
        var services = pipeline.startServices();
        warehouse.setFault(Fault.slow(Duration.ofSeconds(5)).lastingFor(Duration.ofSeconds(60)));
        UUID order = pipeline.placeOrder("slow", "SKU-" + pipeline.id(), 3_000);
        String saga =
            "SELECT count(*) FROM "
                + pipeline.schema()
                + ".processed_keys_sagas WHERE saga_id = '"
                + order
                + "' AND ";
        await()
            .atMost(Pipelines.DEADLINE)
            .until(() -> pipeline.count(saga + "status = 'COMPENSATING'") == 1);
        warehouse.clearFault();
        await().atMost(Pipelines.DEADLINE).until(() -> Pipelines.settled(pipeline, 1));

        assertThat(pipeline.count(saga + "status = 'COMPENSATED'")).isEqualTo(1);
        assertThat(pipeline.count(saga + "last_error LIKE '%step ship: no reply within%'"))
            .isEqualTo(1);
        assertThat(pipeline.thirdParties().charges(order)).hasSize(1).allMatch(c -> c.captured());
        assertThat(pipeline.thirdParties().refunds(order)).isEqualTo(1);
        assertThat(warehouse.shipments())
            .filteredOn(s -> s.orderId().equals(order.toString()))
            .singleElement()
            .satisfies(s -> assertThat(s.status()).isEqualTo("cancelled"));
        assertThat(warehouse.reservations())
            .filteredOn(r -> r.orderId().equals(order.toString()))
            .singleElement()
            .satisfies(r -> assertThat(r.status()).isEqualTo("released"));
        assertThat(pipeline.thirdParties().emails(order))
            .singleElement()
            .satisfies(m -> assertThat(m.subject()).contains("cancelled"));
        assertThat(counter(services, "relaybox.saga.timeouts")).isGreaterThanOrEqualTo(1);
        await()
            .atMost(Pipelines.DEADLINE)
            .untilAsserted(
                () ->
                    assertThat(counter(services, "relaybox.saga.replies.ignored"))
                        .as("the late ShipmentDispatched")
                        .isGreaterThanOrEqualTo(1));
      } finally {
        warehouse.clearFault();
      }
    }
  }

  private static double counter(dev.relaybox.consumers.host.ServiceHost services, String name) {
    return services.meterRegistry().find(name).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }
}
