package dev.relaybox.consumers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.devstack.OtlpSink;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The benchmarks' stand-in collector counts what the services' OTLP exporter sends. */
class OtlpSinkTest {

  @Test
  void countsTheSpansOfEveryRequest() {
    try (OtlpSink sink = OtlpSink.start()) {
      SdkTracerProvider provider =
          SdkTracerProvider.builder()
              .addSpanProcessor(
                  SimpleSpanProcessor.create(
                      OtlpHttpSpanExporter.builder().setEndpoint(sink.tracesUrl()).build()))
              .build();
      Tracer tracer = provider.get("test");
      for (int i = 0; i < 3; i++) {
        tracer.spanBuilder("s" + i).setAttribute("i", i).startSpan().end();
      }
      provider.forceFlush().join(10, TimeUnit.SECONDS);
      provider.shutdown().join(10, TimeUnit.SECONDS);

      assertThat(sink.requests()).isEqualTo(3);
      assertThat(sink.spans()).isEqualTo(3);
      assertThat(sink.bytes()).isPositive();
    }
  }
}
