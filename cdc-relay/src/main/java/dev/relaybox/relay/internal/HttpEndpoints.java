package dev.relaybox.relay.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.relaybox.relay.Relay;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * {@code /health} (200 unless the relay failed), {@code /ready} (200 while streaming, else 503 with
 * the reason in the body) and {@code /metrics} (Prometheus text) on the JDK HTTP server; one daemon
 * thread.
 */
public final class HttpEndpoints implements AutoCloseable {
  private final HttpServer server;

  private HttpEndpoints(HttpServer server) {
    this.server = server;
  }

  /** Starts serving; {@code port} 0 picks a free one (see {@link #port()}). */
  public static HttpEndpoints start(
      String host, int port, Relay relay, PrometheusMeterRegistry registry) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    server.createContext(
        "/health",
        ex -> respond(ex, relay.isHealthy() ? 200 : 503, relay.isHealthy() ? "UP" : "DOWN"));
    server.createContext(
        "/ready",
        ex -> {
          String reason = relay.notReadyReason().orElse(null);
          respond(
              ex, reason == null ? 200 : 503, reason == null ? "READY" : "NOT_READY: " + reason);
        });
    server.createContext("/metrics", ex -> respond(ex, 200, registry.scrape()));
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "relaybox-relay-http");
              t.setDaemon(true);
              return t;
            }));
    server.start();
    return new HttpEndpoints(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
