package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.dev.OrderKind;
import dev.relaybox.dev.ThirdParties;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import dev.relaybox.outbox.CleanupMode;
import dev.relaybox.runtime.CliRun;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Recovery runbook, scenario 2: a topic is lost before the consumers read it. Republishing the
 * retained outbox rows brings the events back; orders that were already processed are skipped.
 */
@IsolatedDevStack
@ExtendWith(DevStackExtension.class)
class LostTopicIT {
  private static final String ORDERS_TOPIC = "outbox.event.order";

  @Test
  void republishFromTheRetainedOutboxRestoresTheLostEventsWithoutDoubles(DevStack stack)
      throws Exception {
    try (DemoPipeline pipeline = DemoPipeline.builder(stack).cleanup(CleanupMode.RETAIN).start()) {
      Instant start = Instant.now().minusSeconds(5);
      place(pipeline, 0, 5);
      await().atMost(Duration.ofSeconds(120)).until(pipeline.thirdParties()::settled);

      pipeline.stopServices();
      long relayedBefore = pipeline.progress().relayed();
      place(pipeline, 5, 15);
      // with the services stopped, the only new events are these ten OrderPlaced
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> pipeline.progress().relayed() >= relayedBefore + 10);
      try (Admin admin =
          Admin.create(
              Map.of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()))) {
        admin.deleteTopics(List.of(ORDERS_TOPIC)).all().get(30, TimeUnit.SECONDS);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> !admin.listTopics().names().get().contains(ORDERS_TOPIC));
      }
      stack.kafka().createTopic(ORDERS_TOPIC, 3);
      pipeline.startServices();
      // the ten orders placed while the services were down are gone with the topic
      assertThat(pipeline.thirdParties().verify().lost()).isEqualTo(10);

      CliRun republish =
          CliRun.withPostgres(
              stack,
              "outbox republish",
              "--from",
              start.toString(),
              "--to",
              Instant.now().plusSeconds(1).toString());
      assertThat(republish.exit()).as(republish.err()).isZero();

      await().atMost(Duration.ofSeconds(120)).until(pipeline.thirdParties()::settled);
      ThirdParties.Verification verification = pipeline.thirdParties().verify();
      assertThat(verification.lost()).isZero();
      assertThat(verification.doubled()).isZero();
    }
  }

  private static void place(DemoPipeline pipeline, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      pipeline.placeOrder(i, OrderKind.of(i, true, false));
    }
  }
}
