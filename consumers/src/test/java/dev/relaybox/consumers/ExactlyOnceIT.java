package dev.relaybox.consumers;

import static dev.relaybox.consumers.TestSupport.count;
import static dev.relaybox.consumers.TestSupport.event;
import static dev.relaybox.consumers.TestSupport.queryLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ExactlyOnceIT extends EffectsTopicTestBase {

  ExactlyOnceIT() {
    super("eo", 3, 4);
  }

  @Test
  void replayedOffsetsAndResentEventsAreAppliedOnceAndCounted(DevStack stack) throws Exception {
    int n = 300;
    List<UUID> ids = IntStream.range(0, n).mapToObj(i -> UUID.randomUUID()).toList();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      records.add(event(topic, ids.get(i), "order-" + (i % 30), "body-" + i));
    }
    // The relay re-sends: 20 events twice, some in the same poll batch as their first copy.
    for (int i = 0; i < 20; i++) {
      records.add(event(topic, ids.get(i), "order-" + (i % 30), "body-" + i));
    }
    TestSupport.sendAll(stack, records);

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (ConsumerRunner runner =
            TestSupport.runner(stack, ds, group, topic)
                .handler(TestSupport.effectsHandler(effects))
                .meterRegistry(registry)
                .build()
                .start();
        HealthServer health =
            HealthServer.start(new InetSocketAddress("127.0.0.1", 0), List.of(runner), registry)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(registry, ConsumerMetrics.PROCESSED) == n);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> count(registry, ConsumerMetrics.DUPLICATES) == 20);
      assertThat(get(health, "/health").statusCode()).isEqualTo(200);
      assertThat(get(health, "/ready").statusCode()).isEqualTo(200);
      String metrics = get(health, "/metrics").body();
      assertThat(metrics)
          .contains("relaybox_consumer_events_processed_total")
          .contains("relaybox_consumer_events_duplicates_total")
          .contains("relaybox_consumer_handler_latency_seconds")
          .contains("relaybox_consumer_lag");
    }
    assertExactlyOnce(ids);

    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()))) {
      // Graceful close committed every offset: all 320 records are behind the group's position.
      long committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get()
              .values()
              .stream()
              .mapToLong(OffsetAndMetadata::offset)
              .sum();
      assertThat(committed).isEqualTo(records.size());
      // Replay: rewind the group to the beginning, as an operator would after an incident.
      Map<TopicPartition, OffsetAndMetadata> zero =
          IntStream.range(0, 3)
              .boxed()
              .collect(
                  Collectors.toMap(
                      p -> new TopicPartition(topic, p), p -> new OffsetAndMetadata(0)));
      admin.alterConsumerGroupOffsets(group, zero).all().get();
    }
    PrometheusMeterRegistry second = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (ConsumerRunner runner =
        TestSupport.runner(stack, ds, group, topic)
            .handler(TestSupport.effectsHandler(effects))
            .meterRegistry(second)
            .build()
            .start()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(second, ConsumerMetrics.DUPLICATES) == n + 20);
      assertThat(count(second, ConsumerMetrics.PROCESSED)).isZero();
    }
    assertExactlyOnce(ids);
  }

  @Test
  void twoPhaseHandlerCallsOnceAndSkipsKnownEventsBeforeCalling(DevStack stack) throws Exception {
    int n = 100;
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      UUID id = UUID.randomUUID();
      ids.add(id);
      records.add(event(topic, id, "order-" + i, "body-" + i));
    }
    TestSupport.sendAll(stack, records);
    Map<UUID, AtomicInteger> calls = new ConcurrentHashMap<>();
    Set<Boolean> autoCommitDuringCall = ConcurrentHashMap.newKeySet();
    TwoPhaseEventHandler<String> handler =
        new TwoPhaseEventHandler<>() {
          @Override
          public String call(ConsumedEvent event) throws Exception {
            calls.computeIfAbsent(event.eventId(), k -> new AtomicInteger()).incrementAndGet();
            // No key of this event may be visible yet: the call precedes the transaction.
            autoCommitDuringCall.add(
                queryLong(
                        ds,
                        "SELECT count(*) FROM "
                            + group
                            + "_keys WHERE event_id = '"
                            + event.eventId()
                            + "'")
                    == 0);
            return "receipt-" + event.key();
          }

          @Override
          public void record(ConsumedEvent event, String receipt, java.sql.Connection tx)
              throws Exception {
            TestSupport.effectsHandler(effects)
                .handle(
                    new ConsumedEvent(
                        event.eventId(),
                        event.key(),
                        receipt,
                        event.topic(),
                        event.partition(),
                        event.offset(),
                        event.timestampMillis(),
                        event.headers(),
                        event.attempt()),
                    tx);
          }
        };
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TestSupport.runUntil(
        TestSupport.runner(stack, ds, group, topic).handler(handler).meterRegistry(registry),
        () -> count(registry, ConsumerMetrics.PROCESSED) == n);
    // A second group member generation replays everything: no event is called again.
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()))) {
      admin
          .alterConsumerGroupOffsets(
              group,
              IntStream.range(0, 3)
                  .boxed()
                  .collect(
                      Collectors.toMap(
                          p -> new TopicPartition(topic, p), p -> new OffsetAndMetadata(0))))
          .all()
          .get();
    }
    PrometheusMeterRegistry second = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TestSupport.runUntil(
        TestSupport.runner(stack, ds, group, topic).handler(handler).meterRegistry(second),
        () -> count(second, ConsumerMetrics.DUPLICATES) == n);
    assertThat(calls).hasSize(n);
    assertThat(calls.values()).allMatch(c -> c.get() == 1);
    assertThat(autoCommitDuringCall).containsExactly(true);
    assertExactlyOnce(ids);
    assertThat(queryLong(ds, "SELECT count(*) FROM " + effects + " WHERE body LIKE 'receipt-%'"))
        .isEqualTo(n);
  }

  private void assertExactlyOnce(List<UUID> ids) throws Exception {
    assertThat(queryLong(ds, "SELECT count(*) FROM " + effects)).isEqualTo(ids.size());
    assertThat(queryLong(ds, "SELECT count(DISTINCT event_id) FROM " + effects))
        .isEqualTo(ids.size());
    assertThat(
            queryLong(
                ds,
                "SELECT count(*) FROM " + group + "_keys WHERE consumer_group = '" + group + "'"))
        .isEqualTo(ids.size());
  }

  private static HttpResponse<String> get(HealthServer server, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
