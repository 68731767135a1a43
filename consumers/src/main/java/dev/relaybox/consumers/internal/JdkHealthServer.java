package dev.relaybox.consumers.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.HealthServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** {@link HealthServer} on {@code com.sun.net.httpserver}: three GET endpoints, one thread. */
public final class JdkHealthServer implements HealthServer {

  private final HttpServer server;

  private JdkHealthServer(HttpServer server) {
    this.server = server;
  }

  /** A probe's outcome: 200 with {@code body} when {@code ok}, else 503. */
  public record Report(boolean ok, String body) {}

  public static HealthServer start(
      InetSocketAddress address, List<ConsumerRunner> runners, PrometheusMeterRegistry prometheus)
      throws IOException {
    return start(address, () -> health(runners), () -> readiness(runners), prometheus);
  }

  /** Serves {@code /health} and {@code /ready} from the given probes. */
  public static HealthServer start(
      InetSocketAddress address,
      Supplier<Report> health,
      Supplier<Report> ready,
      PrometheusMeterRegistry prometheus)
      throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    server.createContext("/health", ex -> probe(ex, health));
    server.createContext("/ready", ex -> probe(ex, ready));
    if (prometheus != null) {
      server.createContext(
          "/metrics",
          ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", prometheus.scrape()));
    }
    server.start();
    return new JdkHealthServer(server);
  }

  /** One line per runner: its group, UP or DOWN, and why intake is paused if it is. */
  public static Report health(List<ConsumerRunner> runners) {
    return report(
        runners, r -> r.isHealthy() ? r.pausedReason() : Optional.of("not polling"), true);
  }

  /** One line per runner: its group, UP or DOWN, and {@link ConsumerRunner#notReadyReason()}. */
  public static Report readiness(List<ConsumerRunner> runners) {
    return report(runners, ConsumerRunner::notReadyReason, false);
  }

  /**
   * @param reasonIsNote whether a runner with a reason is still up (health notes a pause)
   */
  private static Report report(
      List<ConsumerRunner> runners,
      Function<ConsumerRunner, Optional<String>> reason,
      boolean reasonIsNote) {
    StringBuilder body = new StringBuilder();
    boolean ok = true;
    for (ConsumerRunner runner : runners) {
      Optional<String> why = reason.apply(runner);
      boolean up = why.isEmpty() || reasonIsNote && runner.isHealthy();
      ok &= up;
      body.append(runner.groupId()).append(' ').append(up ? "UP" : "DOWN");
      why.ifPresent(text -> body.append(" (").append(text).append(')'));
      body.append('\n');
    }
    return new Report(ok, body.toString());
  }

  private static void probe(HttpExchange exchange, Supplier<Report> probe) throws IOException {
    Report report = probe.get();
    respond(exchange, report.ok() ? 200 : 503, "text/plain; charset=utf-8", report.body());
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
