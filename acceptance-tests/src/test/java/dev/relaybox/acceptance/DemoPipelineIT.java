package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.dev.OrderKind;
import dev.relaybox.dev.ThirdParties;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The demo's verification reads the third parties and catches a doubled effect. */
@IsolatedDevStack
@ExtendWith(DevStackExtension.class)
class DemoPipelineIT {

  @Test
  void verificationPassesThenCatchesAChargeMadeTwice(DevStack stack) throws Exception {
    try (DemoPipeline pipeline = DemoPipeline.builder(stack).start()) {
      UUID first = null;
      for (int i = 0; i < 10; i++) {
        UUID id = pipeline.placeOrder(i, OrderKind.of(i, true, false));
        first = first == null ? id : first;
      }
      await().atMost(Duration.ofSeconds(120)).until(pipeline.thirdParties()::settled);
      assertThat(pipeline.thirdParties().verify().passed()).isTrue();
      assertThat(pipeline.thirdParties().placedByKind()).containsEntry(OrderKind.OUT_OF_STOCK, 1L);

      // a buggy client charging again under a new idempotency key: the gateway obliges
      HttpResponse<String> extra =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(stack.peers().paymentGateway().url() + "/v1/charges"))
                      .header("Content-Type", "application/json")
                      .header("Idempotency-Key", UUID.randomUUID().toString())
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"orderId\":\""
                                  + first
                                  + "\",\"amountMinor\":2500,\"currency\":\"EUR\","
                                  + "\"customerId\":\"c0\"}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(extra.statusCode()).as(extra.body()).isEqualTo(201);

      ThirdParties.Verification verification = pipeline.thirdParties().verify();
      assertThat(verification.passed()).isFalse();
      assertThat(verification.doubled()).isEqualTo(1);
      assertThat(verification.lost()).isZero();
    }
  }
}
