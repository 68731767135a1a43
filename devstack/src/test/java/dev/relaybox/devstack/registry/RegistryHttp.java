package dev.relaybox.devstack.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The registry ITs' client: requests as the Confluent client sends them (v1+json), the schemas they
 * register, and the assertions on Confluent's response and error bodies.
 */
final class RegistryHttp {
  static final String V1_JSON = "application/vnd.schemaregistry.v1+json";
  static final ObjectMapper JSON = new ObjectMapper();

  static final String USER_V1 =
      """
      {"type":"record","name":"User","namespace":"it.events",
       "fields":[{"name":"id","type":"string"}]}""";
  static final String USER_AGE_DEFAULT =
      """
      {"type":"record","name":"User","namespace":"it.events",
       "fields":[{"name":"id","type":"string"},{"name":"age","type":"int","default":0}]}""";
  static final String USER_AGE_REQUIRED =
      """
      {"type":"record","name":"User","namespace":"it.events",
       "fields":[{"name":"id","type":"string"},{"name":"age","type":"int"}]}""";
  static final String USER_AGE_STRING =
      """
      {"type":"record","name":"User","namespace":"it.events",
       "fields":[{"name":"id","type":"string"},{"name":"age","type":"string","default":""}]}""";

  /** A response's status and body. */
  record Response(int status, String body) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  private final HttpClient http = HttpClient.newHttpClient();
  private final Supplier<String> url;

  /** A client of the registry at {@code url} (read at each request: a test may restart it). */
  RegistryHttp(Supplier<String> url) {
    this.url = url;
  }

  Response register(String subject, String schema) throws Exception {
    return send("POST", "/subjects/" + subject + "/versions?normalize=false", schemaBody(schema));
  }

  Response get(String path, String... headers) throws Exception {
    return send("GET", path, null, headers);
  }

  /** Sends like the Confluent client (v1+json Content-Type) and asserts the response type. */
  Response send(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url.get() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    Map<String, String> headerMap = new LinkedHashMap<>();
    headerMap.put("Content-Type", V1_JSON);
    for (int i = 0; i < headers.length; i += 2) {
      headerMap.put(headers[i], headers[i + 1]);
    }
    headerMap.forEach(request::header);
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.headers().firstValue("Content-Type"))
        .as("Content-Type of %s %s", method, path)
        .hasValue(V1_JSON);
    return new Response(response.statusCode(), response.body());
  }

  static String schemaBody(String schema) throws IOException {
    return JSON.writeValueAsString(Map.of("schema", schema));
  }

  static String canonical(String schema) {
    return new org.apache.avro.Schema.Parser().parse(schema).toString();
  }

  static String subjectSchema(String subject, int version, int id, String schema)
      throws IOException {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("subject", subject);
    expected.put("version", version);
    expected.put("id", id);
    expected.put("schema", canonical(schema));
    return JSON.writeValueAsString(expected);
  }

  static void assertJson(Response response, int status, String expectedJson) throws IOException {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.json()).isEqualTo(JSON.readTree(expectedJson));
  }

  /** Asserts status, and error_code and message unless -1 / null. */
  static void assertError(Response response, int status, int errorCode, String message)
      throws IOException {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    if (errorCode != -1) {
      assertThat(response.json().get("error_code").asInt()).isEqualTo(errorCode);
      assertThat(response.json().size()).isEqualTo(2);
    }
    if (message != null) {
      assertThat(response.json().get("message").asText()).isEqualTo(message);
    }
  }
}
