package dev.relaybox.examples.orders.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * JSON over HTTP with an {@code Idempotency-Key}, for the third parties of the effect services. The
 * JDK client does the transport; this adds the request and response shape they share. Thread-safe.
 */
public final class JsonHttp {

  /** What a third party answered: the status and its JSON body ({@code null} when not JSON). */
  public record Response(int status, JsonNode body) {

    /** A text field of the body, or null. */
    public String text(String field) {
      JsonNode node = body == null ? null : body.get(field);
      return node == null || node.isNull() ? null : node.asText();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client;
  private final String baseUrl;
  private final Duration requestTimeout;

  /**
   * @param baseUrl e.g. {@code http://127.0.0.1:8080}, without a trailing slash
   * @param connectTimeout how long to wait for a TCP connection
   * @param requestTimeout how long to wait for a whole response
   */
  public JsonHttp(String baseUrl, Duration connectTimeout, Duration requestTimeout) {
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl").replaceAll("/+$", "");
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
  }

  /** A JSON object to fill in. */
  public static com.fasterxml.jackson.databind.node.ObjectNode object() {
    return JSON.createObjectNode();
  }

  /**
   * POSTs {@code body} to {@code path} with header {@code Idempotency-Key: key}.
   *
   * @throws IOException on a connection failure or timeout ({@link
   *     java.net.http.HttpTimeoutException}): transient for the default error classifier
   */
  public Response post(String path, UUID key, JsonNode body) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .header("Idempotency-Key", key.toString())
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
            .build();
    HttpResponse<byte[]> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while calling POST " + path);
    }
    JsonNode json;
    try {
      json = response.body().length == 0 ? null : JSON.readTree(response.body());
    } catch (IOException e) {
      // A proxy's HTML error page: keep the status, which is what callers classify.
      json = null;
    }
    return new Response(response.statusCode(), json);
  }
}
