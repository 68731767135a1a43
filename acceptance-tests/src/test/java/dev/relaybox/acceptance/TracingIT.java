package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One order through the real pipeline with the OpenTelemetry SDK and an in-memory exporter: the
 * order service's span, the relay's publish spans, every consumer group's spans and the events they
 * publish are one trace, each span the child of the one that caused it.
 */
@ExtendWith(DevStackExtension.class)
class TracingIT {

  private static final AttributeKey<String> GROUP =
      AttributeKey.stringKey("messaging.consumer.group.name");
  private static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> MESSAGE_ID =
      AttributeKey.stringKey("messaging.message.id");

  @Test
  void anOrderIsOneTraceFromTheOrderServiceToTheEmail(DevStack stack) throws Exception {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    GlobalOpenTelemetry.resetForTest();
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .buildAndRegisterGlobal();
    try (DemoPipeline pipeline = Pipelines.isolated(stack, p -> {})) {
      pipeline.startServices();
      Span root = sdk.getTracer("TracingIT").spanBuilder("place order").startSpan();
      UUID order;
      try (Scope current = root.makeCurrent()) {
        order = pipeline.placeOrder("traced", "SKU-1", 1_000);
      } finally {
        root.end();
      }
      await().atMost(Pipelines.DEADLINE).until(() -> Pipelines.shippedAndEmailed(pipeline, 1));
      String traceId = root.getSpanContext().getTraceId();
      Set<String> groups =
          Set.of(
              pipeline.group("orders"),
              pipeline.group("payments"),
              pipeline.group("fulfillment"),
              pipeline.group("email"));
      // Spans are exported when they end: wait until every group's event spans have.
      await()
          .atMost(Pipelines.DEADLINE)
          .until(
              () ->
                  exporter.getFinishedSpanItems().stream()
                      .filter(s -> s.getKind() == SpanKind.CONSUMER)
                      .map(s -> s.getAttributes().get(GROUP))
                      .collect(Collectors.toSet())
                      .containsAll(groups));

      String prefix = pipeline.topic("");
      List<SpanData> ours =
          exporter.getFinishedSpanItems().stream()
              .filter(
                  s ->
                      s.getTraceId().equals(traceId)
                          || (s.getAttributes().get(DESTINATION) != null
                              && s.getAttributes().get(DESTINATION).startsWith(prefix)))
              .toList();
      assertThat(ours)
          .as("every span of this pipeline is in the order's trace")
          .allSatisfy(s -> assertThat(s.getTraceId()).as(s.getName()).isEqualTo(traceId));
      Map<String, SpanData> byId =
          ours.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
      assertThat(ours)
          .as("every span but the root has its parent in the trace")
          .allSatisfy(
              s -> {
                if (!s.getSpanId().equals(root.getSpanContext().getSpanId())) {
                  assertThat(byId).as(s.getName() + " parent").containsKey(s.getParentSpanId());
                }
              });

      List<SpanData> consumed =
          ours.stream().filter(s -> s.getKind() == SpanKind.CONSUMER).toList();
      assertThat(consumed.stream().map(s -> s.getAttributes().get(GROUP))).containsAll(groups);
      for (SpanData c : consumed) {
        // Consumer span → the relay's publish span of the same event.
        SpanData publish = byId.get(c.getParentSpanId());
        assertThat(publish.getKind()).as(c.getName() + " parent").isEqualTo(SpanKind.PRODUCER);
        assertThat(publish.getAttributes().get(MESSAGE_ID))
            .isEqualTo(c.getAttributes().get(MESSAGE_ID));
        assertThat(c.getAttributes().asMap().keySet().stream().map(AttributeKey::getKey))
            .contains(
                "messaging.system",
                "messaging.destination.name",
                "messaging.destination.partition.id",
                "messaging.kafka.offset",
                "messaging.message.id",
                "messaging.consumer.group.name");
        assertThat(c.getAttributes().get(AttributeKey.stringKey("messaging.system")))
            .isEqualTo("kafka");
        assertThat(c.getAttributes().get(DESTINATION)).startsWith(prefix);
        // The relay's publish span → the order service's span, or the transaction span of the
        // consumer that published the event through the outbox.
        SpanData cause = byId.get(publish.getParentSpanId());
        if (!cause.getSpanId().equals(root.getSpanContext().getSpanId())) {
          assertThat(cause.getName()).isEqualTo("transaction");
          assertThat(byId.get(cause.getParentSpanId()).getKind()).isEqualTo(SpanKind.CONSUMER);
        }
      }
      // OrderPlaced comes from the order service; the saga's commands and the participants'
      // replies from the consumers' transactions.
      assertThat(ours)
          .filteredOn(
              s ->
                  s.getKind() == SpanKind.PRODUCER
                      && s.getParentSpanId().equals(root.getSpanContext().getSpanId()))
          .extracting(s -> s.getAttributes().get(DESTINATION))
          .containsExactly(pipeline.topic("order"));
      assertThat(ours)
          .filteredOn(
              s ->
                  s.getKind() == SpanKind.PRODUCER
                      && !s.getParentSpanId().equals(root.getSpanContext().getSpanId()))
          .extracting(s -> s.getAttributes().get(DESTINATION))
          .contains(
              pipeline.topic("payment-command"),
              pipeline.topic("payment"),
              pipeline.topic("warehouse-command"),
              pipeline.topic("fulfillment"),
              pipeline.topic("email-command"));
      assertThat(ours).extracting(SpanData::getName).contains("call", "transaction");
      System.out.printf(
          "TracingIT: order=%s trace=%s spans=%d consumerSpans=%d%n",
          order, traceId, ours.size(), consumed.size());
    } finally {
      sdk.close();
      GlobalOpenTelemetry.resetForTest();
    }
  }
}
