package dev.relaybox.schemas.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.schemas.registry.IncompatibleSchemaException;
import dev.relaybox.schemas.registry.InvalidSchemaException;
import dev.relaybox.schemas.registry.MalformedRegistryResponseException;
import dev.relaybox.schemas.registry.RegistryUnavailableException;
import dev.relaybox.schemas.registry.SchemaNotFoundException;
import dev.relaybox.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one REST call with failover across the URLs, retries with exponential backoff for
 * connection errors and HTTP 5xx, and maps error responses to typed exceptions. Hand-written
 * because Confluent's client is not on Maven Central.
 */
final class RestTransport {

  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Logger LOG = LoggerFactory.getLogger(RestTransport.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpSchemaRegistryClient.Settings settings;
  private final HttpClient http;
  private final String authorization;

  /** Index of the URL that answered last: later requests start there. */
  private final AtomicInteger preferred = new AtomicInteger();

  RestTransport(HttpSchemaRegistryClient.Settings settings) {
    this.settings = settings;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.connectTimeout());
    if (settings.sslContext() != null) {
      builder.sslContext(settings.sslContext());
    }
    this.http = builder.build();
    this.authorization =
        settings.basicAuthUserInfo() == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(settings.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8));
  }

  static ObjectMapper json() {
    return JSON;
  }

  /**
   * Sends a request and returns the parsed 200 body ({@code null} for 204).
   *
   * @param operation what is being done, for messages, e.g. {@code "register schema under subject
   *     'x'"}
   * @param pathAndQuery the path below the base URL, already encoded
   * @param body the JSON body, or null for none
   */
  JsonNode send(String operation, String method, String pathAndQuery, JsonNode body) {
    List<URI> urls = settings.urls();
    int start = preferred.get();
    String lastFailure = null;
    Throwable lastCause = null;
    int lastStatus = SchemaRegistryException.NO_RESPONSE;
    int lastCode = SchemaRegistryException.NO_RESPONSE;
    for (int attempt = 0; attempt <= settings.maxRetries(); attempt++) {
      if (attempt > 0) {
        pause(operation, attempt);
      }
      for (int i = 0; i < urls.size(); i++) {
        int index = (start + i) % urls.size();
        URI base = urls.get(index);
        HttpResponse<String> response;
        try {
          response = http.send(request(base, method, pathAndQuery, body), bodyHandler());
        } catch (IOException e) {
          lastFailure = base + " did not answer: " + e;
          lastCause = e;
          lastStatus = SchemaRegistryException.NO_RESPONSE;
          lastCode = SchemaRegistryException.NO_RESPONSE;
          LOG.warn(
              "Schema registry request failed operation=\"{}\" url={} attempt={} error=\"{}\"",
              operation,
              base,
              attempt + 1,
              e.toString());
          continue;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RegistryUnavailableException(
              operation + " was interrupted",
              SchemaRegistryException.NO_RESPONSE,
              SchemaRegistryException.NO_RESPONSE,
              e);
        }
        int status = response.statusCode();
        if (status >= 500) {
          ErrorBody error = ErrorBody.parse(response.body());
          lastFailure = base + " answered HTTP " + status + describe(error);
          lastCause = null;
          lastStatus = status;
          lastCode = error == null ? SchemaRegistryException.JSON_PARSE_ERROR_CODE : error.code();
          LOG.warn(
              "Schema registry request failed operation=\"{}\" url={} attempt={} status={}",
              operation,
              base,
              attempt + 1,
              status);
          continue;
        }
        preferred.set(index);
        return handle(operation, base, response);
      }
      start = preferred.get();
    }
    throw new RegistryUnavailableException(
        operation
            + " failed: schema registry unavailable after "
            + (settings.maxRetries() + 1)
            + " attempt(s) on "
            + urls
            + "; last failure: "
            + lastFailure,
        lastStatus,
        lastCode,
        lastCause);
  }

  private JsonNode handle(String operation, URI base, HttpResponse<String> response) {
    int status = response.statusCode();
    if (status == 204) {
      return null;
    }
    if (status == 200) {
      try {
        return JSON.readTree(response.body());
      } catch (IOException e) {
        throw new MalformedRegistryResponseException(
            operation
                + " failed: "
                + base
                + " answered HTTP 200 with a body that is not JSON (is this a schema registry?): "
                + excerpt(response.body()),
            status,
            SchemaRegistryException.JSON_PARSE_ERROR_CODE,
            e);
      }
    }
    ErrorBody error = ErrorBody.parse(response.body());
    if (error == null) {
      throw new MalformedRegistryResponseException(
          operation
              + " failed: "
              + base
              + " answered HTTP "
              + status
              + " with a body that is not a registry error: "
              + excerpt(response.body()),
          status,
          SchemaRegistryException.JSON_PARSE_ERROR_CODE,
          null);
    }
    String message = operation + " failed: " + base + " answered HTTP " + status + describe(error);
    if (status == 404) {
      throw new SchemaNotFoundException(message, status, error.code(), null);
    }
    if (status == 409) {
      throw new IncompatibleSchemaException(message, status, error.code(), null);
    }
    if (error.code() == 42201) {
      throw new InvalidSchemaException(message, status, error.code(), null);
    }
    throw new SchemaRegistryException(message, status, error.code(), null);
  }

  private HttpRequest request(URI base, String method, String pathAndQuery, JsonNode body) {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .timeout(settings.requestTimeout())
            .header("Content-Type", CONTENT_TYPE)
            .header("Accept", CONTENT_TYPE + ", application/json")
            .method(method, publisher);
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder.build();
  }

  private static HttpResponse.BodyHandler<String> bodyHandler() {
    return HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8);
  }

  private void pause(String operation, int retry) {
    long initial = settings.initialBackoff().toMillis();
    long millis = Math.min(settings.maxBackoff().toMillis(), initial << Math.min(retry - 1, 20));
    LOG.info("Retrying schema registry request operation=\"{}\" backoffMs={}", operation, millis);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException(
          operation + " was interrupted while waiting to retry",
          SchemaRegistryException.NO_RESPONSE,
          SchemaRegistryException.NO_RESPONSE,
          e);
    }
  }

  private static String describe(ErrorBody error) {
    return error == null
        ? " (body is not a registry error)"
        : " error_code " + error.code() + ": " + error.message();
  }

  private static String excerpt(String body) {
    String flat = body == null ? "" : body.replaceAll("\\s+", " ").strip();
    return flat.length() <= 120 ? "'" + flat + "'" : "'" + flat.substring(0, 120) + "...'";
  }

  /** The registry's {@code {"error_code":..,"message":..}}; null when the body is not one. */
  private record ErrorBody(int code, String message) {
    static ErrorBody parse(String body) {
      try {
        JsonNode node = JSON.readTree(body);
        if (node == null || !node.path("error_code").canConvertToInt()) {
          return null;
        }
        return new ErrorBody(node.get("error_code").asInt(), node.path("message").asText(""));
      } catch (IOException e) {
        return null;
      }
    }
  }
}
