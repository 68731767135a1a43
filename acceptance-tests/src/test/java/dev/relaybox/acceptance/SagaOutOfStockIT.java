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
 * The compensation: the warehouse refuses an order's reservation for lack of stock (409), the
 * order-fulfilment saga refunds the charge once and tells the customer once; nothing is held or
 * shipped. An in-stock order next to it is reserved, shipped and confirmed.
 */
@ExtendWith(DevStackExtension.class)
class SagaOutOfStockIT {

  @Test
  void outOfStockOrderIsRefundedCancelledAndTheCustomerToldOnce(DevStack stack) throws Exception {
    try (DemoPipeline pipeline = Pipelines.isolated(stack, b -> {})) {
      String missing = "GONE-" + pipeline.id();
      stack.peers().fulfillment().markOutOfStock(missing);
      pipeline.startServices();
      UUID refused = pipeline.placeOrder("alice", missing, 4_200);
      UUID shipped = pipeline.placeOrder("bob", "SKU-" + pipeline.id(), 1_000);

      await().atMost(Pipelines.DEADLINE).until(() -> Pipelines.settled(pipeline, 2));

      assertThat(pipeline.thirdParties().charges(refused)).hasSize(1).allMatch(c -> c.captured());
      assertThat(pipeline.thirdParties().refunds(refused)).isEqualTo(1);
      assertThat(stack.peers().paymentGateway().refunds())
          .filteredOn(
              r -> r.chargeId().equals(pipeline.thirdParties().charges(refused).get(0).id()))
          .singleElement()
          .satisfies(r -> assertThat(r.amountMinor()).isEqualTo(4_200));
      assertThat(stack.peers().fulfillment().reservations())
          .filteredOn(r -> r.orderId().equals(refused.toString()))
          .singleElement()
          .satisfies(r -> assertThat(r.status()).isEqualTo("out_of_stock"));
      assertThat(pipeline.thirdParties().shipments(refused)).isZero();
      assertThat(pipeline.thirdParties().stockHeld(refused)).isZero();
      assertThat(pipeline.thirdParties().emails(refused))
          .as("only the cancellation: no confirmation before the order shipped")
          .singleElement()
          .satisfies(
              m -> {
                assertThat(m.subject()).contains("cancelled");
                assertThat(m.to())
                    .containsExactly(pipeline.thirdParties().email("alice").toLowerCase());
                assertThat(m.from()).contains(MailServer.DEFAULT_SENDER);
              });
      assertThat(
              pipeline.count(
                  "SELECT count(*) FROM "
                      + pipeline.schema()
                      + ".processed_keys_sagas WHERE status = 'COMPENSATED' AND saga_id = '"
                      + refused
                      + "' AND last_error LIKE '%out of stock: "
                      + missing
                      + "%'"))
          .isEqualTo(1);
      assertThat(
              pipeline.count(
                  "SELECT count(*) FROM "
                      + pipeline.schema()
                      + ".refunds WHERE order_id = '"
                      + refused
                      + "'"))
          .isEqualTo(1);

      assertThat(pipeline.thirdParties().charges(shipped)).hasSize(1);
      assertThat(pipeline.thirdParties().refunds(shipped)).isZero();
      assertThat(pipeline.thirdParties().shipments(shipped)).isEqualTo(1);
      assertThat(pipeline.thirdParties().stockHeld(shipped)).isEqualTo(1);
      assertThat(pipeline.thirdParties().emails(shipped))
          .singleElement()
          .satisfies(m -> assertThat(m.subject()).contains("shipped"));
    }
  }
}
