package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.peers.MailServer;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The compensation: the warehouse refuses an order for lack of stock (409), fulfillment requests a
 * refund, payments refunds once, fulfillment cancels the order, email tells the customer once.
 */
@ExtendWith(DevStackExtension.class)
class OutOfStockIT {

  @Test
  void outOfStockOrderIsRefundedCancelledAndTheCustomerToldOnce(DevStack stack) throws Exception {
    try (DemoPipeline pipeline = Pipelines.isolated(stack, b -> {})) {
      String missing = "GONE-" + pipeline.id();
      stack.peers().fulfillment().markOutOfStock(missing);
      pipeline.startServices();
      UUID refused = pipeline.placeOrder("alice", missing, 4_200);
      UUID shipped = pipeline.placeOrder("bob", "SKU-" + pipeline.id(), 1_000);

      await()
          .atMost(Pipelines.DEADLINE)
          .until(
              () ->
                  pipeline.thirdParties().emails(refused).stream()
                          .anyMatch(m -> m.subject().contains("cancelled"))
                      && pipeline.thirdParties().emails(shipped).size() == 1);

      assertThat(pipeline.thirdParties().charges(refused)).hasSize(1).allMatch(c -> c.captured());
      assertThat(pipeline.thirdParties().refunds(refused)).isEqualTo(1);
      assertThat(stack.peers().paymentGateway().refunds())
          .filteredOn(
              r -> r.chargeId().equals(pipeline.thirdParties().charges(refused).get(0).id()))
          .singleElement()
          .satisfies(r -> assertThat(r.amountMinor()).isEqualTo(4_200));
      assertThat(
              pipeline.count(
                  "SELECT count(*) FROM "
                      + pipeline.schema()
                      + ".fulfillment_orders WHERE status = 'CANCELLED' AND order_id = '"
                      + refused
                      + "'"))
          .isEqualTo(1);
      assertThat(pipeline.thirdParties().emails(refused))
          .filteredOn(m -> m.subject().contains("cancelled"))
          .singleElement()
          .satisfies(
              m -> {
                assertThat(m.to())
                    .containsExactly(pipeline.thirdParties().email("alice").toLowerCase());
                assertThat(m.from()).contains(MailServer.DEFAULT_SENDER);
              });
      // The confirmation went out when the payment was captured, before the refusal.
      assertThat(pipeline.thirdParties().emails(refused)).hasSize(2);
      assertThat(pipeline.thirdParties().charges(shipped)).hasSize(1);
      assertThat(pipeline.thirdParties().refunds(shipped)).isZero();
      assertThat(pipeline.thirdParties().shipments(shipped)).isEqualTo(1);
      assertThat(
              pipeline.count(
                  "SELECT count(*) FROM "
                      + pipeline.schema()
                      + ".refunds WHERE order_id = '"
                      + refused
                      + "'"))
          .isEqualTo(1);
    }
  }
}
