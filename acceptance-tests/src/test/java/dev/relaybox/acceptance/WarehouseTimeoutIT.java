package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.consumers.ConsumerMetrics;
import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.peers.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The warehouse applies each shipment but answers after 2 s, past the client's 500 ms timeout: the
 * service cannot know whether it shipped, retries with the same Idempotency-Key, and the warehouse
 * replays the first answer. One shipment per order.
 */
@ExtendWith(DevStackExtension.class)
class WarehouseTimeoutIT {

  @Test
  void timedOutShipmentRequestsAreRetriedWithoutShippingTwice(DevStack stack) throws Exception {
    try (DemoPipeline pipeline =
        Pipelines.isolated(
            stack,
            b -> {
              b.put("fulfillment.request.timeout.ms", "500");
              b.put("consumer.max.attempts", "60");
            })) {
      var warehouse = stack.peers().fulfillment();
      try {
        var services = pipeline.startServices();
        warehouse.setFault(Fault.slow(Duration.ofSeconds(2)).lastingFor(Duration.ofSeconds(6)));
        List<UUID> orders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          orders.add(pipeline.placeOrder("c" + i, "SKU-" + pipeline.id(), 3_000));
        }
        await()
            .atMost(Pipelines.DEADLINE)
            .until(
                () ->
                    pipeline.count(
                            "SELECT count(*) FROM "
                                + pipeline.schema()
                                + ".fulfillment_orders WHERE status = 'SHIPMENT_REQUESTED'")
                        == 3);
        for (UUID order : orders) {
          assertThat(pipeline.thirdParties().shipments(order)).isEqualTo(1);
        }
        assertThat(
                services
                    .meterRegistry()
                    .find(ConsumerMetrics.RETRIED)
                    .tag("group", pipeline.group("fulfillment"))
                    .counters()
                    .stream()
                    .mapToDouble(c -> c.count())
                    .sum())
            .isGreaterThan(0);
      } finally {
        warehouse.clearFault();
      }
    }
  }
}
