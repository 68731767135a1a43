package dev.relaybox.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.cli.internal.DemoPipeline;
import dev.relaybox.cli.internal.DemoPipeline.Kind;
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
    try (DemoPipeline pipeline = new DemoPipeline(stack, Duration.ofSeconds(120))) {
      UUID first = null;
      for (int i = 0; i < 10; i++) {
        UUID id = pipeline.placeOrder(i, DemoPipeline.kindOf(i, true, false));
        first = first == null ? id : first;
      }
      await().atMost(Duration.ofSeconds(120)).until(pipeline::settled);
      assertThat(pipeline.verify().passed()).isTrue();
      assertThat(pipeline.placedByKind()).containsEntry(Kind.OUT_OF_STOCK, 1L);

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

      DemoPipeline.Verification verification = pipeline.verify();
      assertThat(verification.passed()).isFalse();
      assertThat(verification.doubled()).isEqualTo(1);
      assertThat(verification.lost()).isZero();
    }
  }
}
