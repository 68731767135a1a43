package dev.relaybox.runtime.internal;

import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the OpenTelemetry SDK as the global instance for {@code relaybox relay} and {@code
 * relaybox consumers}, configured by the standard {@code OTEL_*} environment variables (or {@code
 * otel.*} system properties), but only when they ask for traces: an OTLP endpoint ({@code
 * OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) or a traces exporter
 * ({@code OTEL_TRACES_EXPORTER} other than {@code none}), and not {@code OTEL_SDK_DISABLED=true}.
 * Otherwise nothing is installed and the libraries' API calls stay no-ops. Metrics and logs are not
 * exported through OpenTelemetry unless asked ({@code /metrics} serves the metrics).
 */
public final class Tracing {
  private static final Logger log = LoggerFactory.getLogger(Tracing.class);

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
   * Installs the SDK as the global OpenTelemetry if {@link #configured}; {@code serviceName} is the
   * default of {@code OTEL_SERVICE_NAME}. The SDK flushes and closes at JVM shutdown.
   */
  public static void installIfConfigured(String serviceName) {
    if (!configured(System::getenv)) {
      return;
    }
    AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(
            () ->
                Map.of(
                    "otel.service.name", serviceName,
                    "otel.metrics.exporter", "none",
                    "otel.logs.exporter", "none"))
        .setResultAsGlobal()
        .build();
    log.info("OpenTelemetry tracing on service={}", serviceName);
  }

  private static String setting(UnaryOperator<String> env, String variable) {
    String value = env.apply(variable);
    if (value == null) {
      value = System.getProperty(variable.toLowerCase(Locale.ROOT).replace('_', '.'));
    }
    return value == null || value.isBlank() ? null : value;
  }
}
