package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * OrderService → relay → the order-fulfilment saga → payments, fulfillment (reserve, ship), email,
 * counted at the third parties.
 */
@ExtendWith(DevStackExtension.class)
class SagaEndToEndIT {

  @Test
  void everyOrderIsChargedMailedAndShippedExactlyOnce(DevStack stack) throws Exception {
    try (DemoPipeline pipeline = Pipelines.isolated(stack, b -> {})) {
      pipeline.startServices();
      int n = 40;
      List<UUID> orders = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        orders.add(pipeline.placeOrder("c" + i, "SKU-" + pipeline.id(), 1_250));
      }
      await().atMost(Pipelines.DEADLINE).until(() -> Pipelines.shippedAndEmailed(pipeline, n));
      for (UUID order : orders) {
        assertThat(pipeline.thirdParties().charges(order)).hasSize(1).allMatch(c -> c.captured());
        assertThat(pipeline.thirdParties().emails(order)).hasSize(1);
        assertThat(pipeline.thirdParties().shipments(order)).isEqualTo(1);
        assertThat(pipeline.thirdParties().stockHeld(order)).isEqualTo(1);
        assertThat(pipeline.thirdParties().refunds(order)).isZero();
      }
      assertThat(pipeline.count("SELECT count(*) FROM " + pipeline.schema() + ".payments"))
          .isEqualTo(n);
      assertThat(pipeline.thirdParties().verify().passed()).isTrue();
    }
  }
}
