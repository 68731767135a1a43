package dev.relaybox.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** When {@code relaybox relay|consumers} installs the OpenTelemetry SDK: only when asked. */
class TracingTest {

  @Test
  void offUnlessOtelAsksForTraces() {
    assertThat(Tracing.configured(Map.<String, String>of()::get)).isFalse();
    assertThat(Tracing.configured(Map.of("OTEL_SERVICE_NAME", "x")::get)).isFalse();
    assertThat(Tracing.configured(Map.of("OTEL_TRACES_EXPORTER", "none")::get)).isFalse();
    assertThat(
            Tracing.configured(
                Map.of(
                        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                        "OTEL_SDK_DISABLED", "true")
                    ::get))
        .isFalse();
  }

  @Test
  void onWithAnEndpointOrAnExporter() {
    assertThat(Tracing.configured(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318")::get))
        .isTrue();
    assertThat(
            Tracing.configured(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318")::get))
        .isTrue();
    assertThat(Tracing.configured(Map.of("OTEL_TRACES_EXPORTER", "otlp")::get)).isTrue();
  }
}
