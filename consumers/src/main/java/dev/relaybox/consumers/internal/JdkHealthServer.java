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
import java.util.function.Predicate;

/** {@link HealthServer} on {@code com.sun.net.httpserver}: three GET endpoints, one thread. */
public final class JdkHealthServer implements HealthServer {

  private final HttpServer server;

  private JdkHealthServer(HttpServer server) {
    this.server = server;
  }

  public static HealthServer start(
      InetSocketAddress address, List<ConsumerRunner> runners, PrometheusMeterRegistry prometheus)
      throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    server.createContext("/health", ex -> probe(ex, runners, ConsumerRunner::isHealthy));
    server.createContext("/ready", ex -> probe(ex, runners, ConsumerRunner::isReady));
    if (prometheus != null) {
      server.createContext(
          "/metrics",
          ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", prometheus.scrape()));
    }
    server.start();
    return new JdkHealthServer(server);
  }

  private static void probe(
      HttpExchange exchange, List<ConsumerRunner> runners, Predicate<ConsumerRunner> check)
      throws IOException {
    StringBuilder body = new StringBuilder();
    boolean ok = true;
    for (ConsumerRunner runner : runners) {
      boolean up = check.test(runner);
      ok &= up;
      body.append(runner.groupId()).append(' ').append(up ? "UP" : "DOWN");
      runner.pausedReason().ifPresent(reason -> body.append(" (").append(reason).append(')'));
      body.append('\n');
    }
    respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", body.toString());
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
