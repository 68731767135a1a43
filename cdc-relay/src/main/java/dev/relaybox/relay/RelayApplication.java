package dev.relaybox.relay;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.config.ServiceMeters;
import dev.relaybox.relay.internal.HttpEndpoints;
import dev.relaybox.relay.internal.RelaySettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay as a service, run by {@code relaybox relay --config relay.properties}. Environment
 * variables override documented properties ({@code pg.password} ← {@code RELAYBOX_PG_PASSWORD}, see
 * {@link dev.relaybox.config.Setting#environmentName()}). Serves {@code /health}, {@code /ready}
 * and {@code /metrics} on {@code http.host:http.port} from the start, also while the relay waits
 * for an unreachable Postgres or Kafka; SIGTERM stops the engine (or the wait), flushes the
 * producer and commits offsets before exiting.
 *
 * <p>Exit codes: 0 after a graceful stop, 1 when the relay failed or could not start, 2 for bad
 * arguments or configuration.
 */
public final class RelayApplication {
  private static final Logger LOG = LoggerFactory.getLogger(RelayApplication.class);

  private RelayApplication() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the relay until it stops (SIGTERM or a fatal failure) and returns the exit code; for
   * callers that manage the JVM themselves (the {@code relaybox relay} command).
   */
  public static int run(String[] args) {
    RelayConfig config;
    try {
      config = load(args);
    } catch (IllegalArgumentException | IOException e) {
      LOG.error("bad relay configuration: {}", e.getMessage());
      System.err.println("relaybox relay: " + e.getMessage());
      System.err.println("usage: relaybox relay --config <relay.properties>");
      return 2;
    }
    return run(config);
  }

  /**
   * Runs the relay with {@code config} until it stops (SIGTERM or a fatal failure) and returns the
   * exit code: 0 after a graceful stop, 1 after a failure.
   */
  public static int run(RelayConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ServiceMeters.bindJvm(registry);
    Relay relay = Relay.create(config, registry);
    HttpEndpoints http = null;
    Thread hook = new Thread(relay::close, "relaybox-relay-shutdown");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      // Served first: /health answers and /ready says why not while the relay waits for Postgres.
      if (config.get(RelaySettings.HTTP_PORT) >= 0) {
        http =
            HttpEndpoints.start(
                config.get(CommonSettings.HTTP_HOST),
                config.get(RelaySettings.HTTP_PORT),
                relay,
                registry);
        LOG.info(
            "http endpoints listening host={} port={}",
            config.get(CommonSettings.HTTP_HOST),
            http.port());
      }
      relay.start();
      while (!relay.awaitTermination(Duration.ofSeconds(60))) {
        LOG.debug("relay running name={}", config.name());
      }
    } catch (RelayException e) {
      LOG.error("relay failed: {}", e.getMessage(), e);
      return 1;
    } catch (IOException e) {
      LOG.error(
          "cannot serve http host={} port={}: {}",
          config.get(CommonSettings.HTTP_HOST),
          config.get(RelaySettings.HTTP_PORT),
          e.toString());
      relay.close();
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      relay.close();
    } finally {
      if (http != null) {
        http.close();
      }
    }
    if (relay.failure().isPresent()) {
      LOG.error("relay stopped after a fatal failure: {}", relay.failure().get().getMessage());
      return 1;
    }
    return 0;
  }

  static RelayConfig load(String[] args) throws IOException {
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = Path.of(args[++i]);
      } else if (args[i].startsWith("--config=")) {
        file = Path.of(args[i].substring("--config=".length()));
      } else {
        throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
      }
    }
    RelayConfig.Builder builder = RelayConfig.builder();
    if (file != null) {
      builder.load(file);
    }
    return builder.overrideFromEnvironment(System::getenv).build();
  }
}
