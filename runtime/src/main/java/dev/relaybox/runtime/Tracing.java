package dev.relaybox.runtime;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the OpenTelemetry SDK as the global instance for {@code relaybox relay}, {@code relaybox
 * consumers} and the dev distribution's demo pipeline, configured by the standard {@code OTEL_*}
 * environment variables (or {@code otel.*} system properties), but only when they ask for traces:
 * an OTLP endpoint ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) or a traces exporter ({@code OTEL_TRACES_EXPORTER} other
 * than {@code none}), and not {@code OTEL_SDK_DISABLED=true}. Otherwise nothing is installed and
 * the libraries' API calls stay no-ops. Metrics and logs are not exported through OpenTelemetry
 * unless asked ({@code /metrics} serves the metrics). The one place the SDK is installed: the
 * library modules only see the API.
 */
public final class Tracing {
  private static final Logger log = LoggerFactory.getLogger(Tracing.class);

  private static boolean installed;

  private Tracing() {}

  /**
   * Whether {@code env} (an environment-variable lookup) and the system properties ask for traces.
   */
  public static boolean configured(UnaryOperator<String> env) {
    if ("true".equalsIgnoreCase(setting(env, "OTEL_SDK_DISABLED"))) {
      return false;
    }
    String exporter = setting(env, "OTEL_TRACES_EXPORTER");
    if (exporter != null) {
      return !exporter.isBlank() && !exporter.trim().equalsIgnoreCase("none");
    }
    return setting(env, "OTEL_EXPORTER_OTLP_ENDPOINT") != null
        || setting(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != null;
  }

  /**
   * Installs the SDK as the global OpenTelemetry if {@link #configured}, once per JVM; {@code
   * serviceName} is the default of {@code OTEL_SERVICE_NAME}. A global an application (or a test)
   * set before is kept. The SDK flushes and closes at JVM shutdown.
   *
   * @return whether this call installed it
   */
  public static synchronized boolean installIfConfigured(String serviceName) {
    if (installed || !configured(System::getenv)) {
      return false;
    }
    installed = true;
    if (GlobalOpenTelemetry.isSet()) {
      log.info("OpenTelemetry tracing: the global instance was set before, kept as it is");
      return false;
    }
    AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(
            () ->
                Map.of(
                    "otel.service.name", serviceName,
                    "otel.metrics.exporter", "none",
                    "otel.logs.exporter", "none",
                    // Defaults, below OTEL_BSP_*: the relay ends a batch's spans (up to 4,096) at
                    // once and a fast consumer makes ~30,000 spans/s, which overflow the SDK's
                    // queue of 2,048; and fewer, larger OTLP requests cost less CPU (TracingBench).
                    "otel.bsp.max.queue.size", "16384",
                    "otel.bsp.max.export.batch.size", "2048"))
        .setResultAsGlobal()
        .build();
    log.info("OpenTelemetry tracing on service={}", serviceName);
    return true;
  }

  private static String setting(UnaryOperator<String> env, String variable) {
    String value = env.apply(variable);
    if (value == null) {
      value = System.getProperty(variable.toLowerCase(Locale.ROOT).replace('_', '.'));
    }
    return value == null || value.isBlank() ? null : value;
  }
}
