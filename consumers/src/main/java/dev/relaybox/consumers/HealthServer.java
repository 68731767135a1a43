package dev.relaybox.consumers;

import dev.relaybox.consumers.internal.JdkHealthServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * A minimal HTTP endpoint for orchestrators and Prometheus, on the JDK's built-in server: {@code
 * GET /health} (200 while every runner {@link ConsumerRunner#isHealthy() is healthy}, else 503),
 * {@code GET /ready} (200 when every runner {@link ConsumerRunner#isReady() is ready}, else 503)
 * and, when a registry is given, {@code GET /metrics} in the Prometheus text format.
 *
 * <p>Host applications that already have an HTTP stack can call {@code isHealthy()}, {@code
 * isReady()} and {@code scrape()} themselves instead. Thread-safe.
 */
public interface HealthServer extends AutoCloseable {

  /**
   * Starts serving.
   *
   * @param address where to bind, e.g. {@code new InetSocketAddress("127.0.0.1", 0)}
   * @param runners the runners to report on; at least one
   * @param prometheus the registry to expose on {@code /metrics}, or null for no metrics endpoint
   * @throws IOException if the address cannot be bound
   */
  static HealthServer start(
      InetSocketAddress address, List<ConsumerRunner> runners, PrometheusMeterRegistry prometheus)
      throws IOException {
    Objects.requireNonNull(address, "address must not be null");
    if (runners == null || runners.isEmpty()) {
      throw new IllegalArgumentException("runners must name at least one ConsumerRunner");
    }
    return JdkHealthServer.start(address, List.copyOf(runners), prometheus);
  }

  /** The bound address (with the actual port when port 0 was asked for). */
  InetSocketAddress address();

  /** Stops serving at once. */
  @Override
  void close();
}
