package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.dev.OrderKind;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import dev.relaybox.runtime.CliRun;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Recovery runbook, scenario 4: the relay is down while orders keep coming. {@code relaybox status}
 * shows the inactive slot and its growing lag; the restarted relay catches up and nothing is lost.
 */
@IsolatedDevStack
@ExtendWith(DevStackExtension.class)
class RelayDownForLongIT {

  @Test
  void slotLagIsVisibleWhileTheRelayIsDownAndTheRelayCatchesUp(DevStack stack) throws Exception {
    try (DemoPipeline pipeline = DemoPipeline.builder(stack).start()) {
      place(pipeline, 0, 5);
      await().atMost(Duration.ofSeconds(120)).until(pipeline.thirdParties()::settled);

      pipeline.stopRelay();
      place(pipeline, 5, 45);
      JsonNode down = status(stack, pipeline);
      assertThat(down.at("/slot/exists").asBoolean()).isTrue();
      assertThat(down.at("/slot/active").asBoolean()).isFalse();
      long lagWhileDown = down.at("/slot/lagBytes").asLong();
      assertThat(lagWhileDown).isGreaterThan(10_000);
      assertThat(pipeline.thirdParties().settled()).isFalse();

      pipeline.startRelay();
      await().atMost(Duration.ofSeconds(120)).until(pipeline.thirdParties()::settled);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                JsonNode up = status(stack, pipeline);
                assertThat(up.at("/slot/active").asBoolean()).isTrue();
                assertThat(up.at("/slot/lagBytes").asLong()).isLessThan(lagWhileDown);
              });
      assertThat(pipeline.thirdParties().verify().passed()).isTrue();
      assertThat(pipeline.progress().placed()).isEqualTo(45);
    }
  }

  private static void place(DemoPipeline pipeline, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      pipeline.placeOrder(i, OrderKind.of(i, true, false));
    }
  }

  private static JsonNode status(DevStack stack, DemoPipeline pipeline) throws Exception {
    CliRun run =
        CliRun.withPostgres(
            stack,
            "status",
            "--bootstrap-servers",
            stack.kafka().bootstrapServers(),
            "--slot",
            pipeline.slotName(),
            "--json");
    assertThat(run.exit()).as(run.err()).isZero();
    return new ObjectMapper().readTree(run.out());
  }
}
