package dev.relaybox.devstack.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Real HTTP calls to a peer, as a consumer service makes them. */
final class PeerClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** A response with its JSON body parsed. */
  record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    String text(String field) {
      return body.path(field).asText(null);
    }
  }

  private PeerClient() {}

  static Reply post(String url, String idempotencyKey, String json) throws IOException {
    return post(url, idempotencyKey, json, TIMEOUT);
  }

  /** Throws {@link java.net.http.HttpTimeoutException} when no response comes within timeout. */
  static Reply post(String url, String idempotencyKey, String json, Duration timeout)
      throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return send(request.build());
  }

  static Reply put(String url, String json) throws IOException {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(TIMEOUT)
            .PUT(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  static Reply get(String url) throws IOException {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build());
  }

  /** GET that turns I/O failures unchecked, for Awaitility conditions. */
  static Reply getUnchecked(String url) {
    try {
      return get(url);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Reply send(HttpRequest request) throws IOException {
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), JSON.readTree(response.body()), response);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
