package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.consumers.host.ServiceHost;
import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The service host's endpoints and lifecycle. */
@ExtendWith(DevStackExtension.class)
class OrderServicesHostIT {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesHealthReadinessAndMetricsAndStopsGracefully(DevStack stack) throws Exception {
    try (DemoPipeline pipeline = Pipelines.isolated(stack, b -> {})) {
      ServiceHost services = pipeline.startServices();
      InetSocketAddress address = services.httpAddress().orElseThrow();
      await().atMost(Pipelines.DEADLINE).until(services::isReady);
      assertThat(get(address, "/health").statusCode()).isEqualTo(200);
      assertThat(get(address, "/ready").statusCode()).isEqualTo(200);

      UUID order = pipeline.placeOrder("erin", "SKU-" + pipeline.id(), 700);
      await()
          .atMost(Pipelines.DEADLINE)
          .until(() -> pipeline.thirdParties().emails(order).size() == 1);
      String metrics = get(address, "/metrics").body();
      assertThat(metrics)
          .contains("relaybox_consumer_events_processed_total")
          .contains("group=\"" + pipeline.group("orders") + "\"")
          .contains("group=\"" + pipeline.group("payments") + "\"")
          .contains("group=\"" + pipeline.group("email") + "\"")
          .contains("group=\"" + pipeline.group("fulfillment") + "\"");

      services.close();
      assertThat(services.awaitClosed(Duration.ofSeconds(1))).isTrue();
      assertThat(services.isReady()).isFalse();
    }
  }

  @Test
  void runsOnlyTheConfiguredServices(DevStack stack) throws Exception {
    try (DemoPipeline pipeline =
        Pipelines.isolated(
            stack,
            b -> {
              b.put("services", "orders,payments");
              b.put("processed.keys.retention.ms", "1209600000");
            })) {
      ServiceHost services = pipeline.startServices();
      // The retention reached the runners: their sweepers run (and no other group's).
      assertThat(threadNames())
          .contains(
              "relaybox-sweeper-" + pipeline.group("orders"),
              "relaybox-sweeper-" + pipeline.group("payments"))
          .doesNotContain(
              "relaybox-sweeper-" + pipeline.group("email"),
              "relaybox-sweeper-" + pipeline.group("fulfillment"));
      UUID order = pipeline.placeOrder("frank", "SKU-" + pipeline.id(), 700);
      await()
          .atMost(Pipelines.DEADLINE)
          .until(() -> pipeline.thirdParties().charges(order).size() == 1);
      assertThat(services.meterRegistry().get("relaybox.consumer.batch.latency").timers())
          .allMatch(
              t ->
                  List.of(pipeline.group("orders"), pipeline.group("payments"))
                      .contains(t.getId().getTag("group")));
      assertThat(
              pipeline.count(
                  "SELECT count(*) FROM pg_tables WHERE schemaname = '"
                      + pipeline.schema()
                      + "' AND tablename = 'emails'"))
          .isZero();
    }
  }

  private static List<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
  }

  private HttpResponse<String> get(InetSocketAddress address, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
