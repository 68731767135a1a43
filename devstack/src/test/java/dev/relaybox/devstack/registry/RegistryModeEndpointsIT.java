package dev.relaybox.devstack.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dev registry's {@code /mode} resources over real HTTP, as Confluent's REST API has them. */
class RegistryModeEndpointsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER =
      "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"User\\\",\\\"fields\\\":"
          + "[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"string\\\"}]}\"}";

  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path storage;

  private record Answer(int status, JsonNode body) {}

  @Test
  void modesAreSetReadDeletedAndKeptAcrossARestart() throws Exception {
    try (SchemaRegistryServer server = SchemaRegistryServer.start(storage, 0)) {
      String url = server.url();
      assertThat(call(url, "GET", "/mode", null).body().path("mode").asText())
          .isEqualTo("READWRITE");
      assertThat(call(url, "GET", "/mode/orders-value", null).body().path("error_code").asInt())
          .isEqualTo(40409);
      assertThat(
              call(url, "GET", "/mode/orders-value?defaultToGlobal=true", null)
                  .body()
                  .path("mode")
                  .asText())
          .isEqualTo("READWRITE");
      assertThat(call(url, "POST", "/subjects/orders-value/versions", USER).status())
          .isEqualTo(200);

      assertThat(call(url, "PUT", "/mode/orders-value", "{\"mode\":\"readonly\"}").body())
          .isEqualTo(JSON.readTree("{\"mode\":\"READONLY\"}"));
      Answer refused = call(url, "POST", "/subjects/orders-value/versions", USER);
      assertThat(refused.status()).isEqualTo(422);
      assertThat(refused.body().path("error_code").asInt()).isEqualTo(42205);
      assertThat(
              call(url, "PUT", "/mode", "{\"mode\":\"SIDEWAYS\"}")
                  .body()
                  .path("error_code")
                  .asInt())
          .isEqualTo(42204);
      assertThat(
              call(url, "PUT", "/mode", "{\"mode\":\"IMPORT\"}").body().path("error_code").asInt())
          .isEqualTo(42205);
      assertThat(call(url, "PUT", "/mode?force=true", "{\"mode\":\"IMPORT\"}").status())
          .isEqualTo(200);
    }
    try (SchemaRegistryServer restarted = SchemaRegistryServer.start(storage, 0)) {
      String url = restarted.url();
      assertThat(call(url, "GET", "/mode", null).body().path("mode").asText()).isEqualTo("IMPORT");
      assertThat(call(url, "GET", "/mode/orders-value", null).body().path("mode").asText())
          .isEqualTo("READONLY");
      assertThat(call(url, "DELETE", "/mode/orders-value", null).body().path("mode").asText())
          .isEqualTo("READONLY");
      assertThat(call(url, "GET", "/mode/orders-value", null).status()).isEqualTo(404);
    }
  }

  private Answer call(String url, String method, String path, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + path))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), JSON.readTree(response.body()));
  }
}
