package dev.relaybox.schemas;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP proxy in front of the real registry that records every request line ({@code "GET
 * /schemas/ids/1"}), so tests can count what reached the registry.
 */
public final class CountingProxy implements AutoCloseable {

  private final HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  public CountingProxy(String target) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          URI uri = exchange.getRequestURI();
          requests.add(exchange.getRequestMethod() + " " + uri.getRawPath());
          byte[] body = exchange.getRequestBody().readAllBytes();
          HttpRequest.Builder forward =
              HttpRequest.newBuilder(
                      URI.create(
                          target
                              + uri.getRawPath()
                              + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
                  .method(
                      exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
          String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
          if (contentType != null) {
            forward.header("Content-Type", contentType);
          }
          try {
            HttpResponse<byte[]> response =
                http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            response
                .headers()
                .firstValue("Content-Type")
                .ifPresent(v -> exchange.getResponseHeaders().set("Content-Type", v));
            exchange.sendResponseHeaders(
                response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
            exchange.getResponseBody().write(response.body());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendResponseHeaders(502, -1);
          } finally {
            exchange.close();
          }
        });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** How many requests matched {@code "METHOD path"} exactly. */
  public long count(String requestLine) {
    return requests.stream().filter(requestLine::equals).count();
  }

  public List<String> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
