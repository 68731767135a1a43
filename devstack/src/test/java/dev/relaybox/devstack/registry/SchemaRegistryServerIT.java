package dev.relaybox.devstack.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dev registry over real HTTP, against the Confluent REST contract. */
class SchemaRegistryServerIT {
  private static final String V1_JSON = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String USER_V1 =
      """
      {"type":"record","name":"User","namespace":"it.events",
       "fields":[{"name":"id","type":"string"}]}""";
  private static final String USER_AGE_DEFAULT =
      """
      {"type":"record","name":"User","namespace":"it.events",
       "fields":[{"name":"id","type":"string"},{"name":"age","type":"int","default":0}]}""";
  private static final String USER_AGE_REQUIRED =
      """
      {"type":"record","name":"User","namespace":"it.events",
       "fields":[{"name":"id","type":"string"},{"name":"age","type":"int"}]}""";
  private static final String USER_AGE_STRING =
      """
      {"type":"record","name":"User","namespace":"it.events",
       "fields":[{"name":"id","type":"string"},{"name":"age","type":"string","default":""}]}""";

  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path storage;
  private SchemaRegistryServer server;
  private String subject;

  @BeforeEach
  void start() {
    server = SchemaRegistryServer.start(storage, 0);
    subject = "it-" + UUID.randomUUID() + "-value";
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void urlIsLoopbackWithTheBoundPortAndRootAnswersEmptyObject() throws Exception {
    assertThat(server.port()).isPositive();
    assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
    assertJson(get("/"), 200, "{}");
    assertJson(get("/schemas/types"), 200, "[\"AVRO\"]");
  }

  @Test
  void registerIsIdempotentAndIdsAreGlobalAcrossSubjects() throws Exception {
    assertJson(register(subject, USER_V1), 200, "{\"id\":1}");
    // Same schema, other whitespace and key order: the same schema.
    String reformatted =
        "{ \"namespace\" : \"it.events\", \"type\" : \"record\", \"name\" : \"User\",\n"
            + "  \"fields\" : [ { \"type\" : \"string\", \"name\" : \"id\" } ] }";
    assertJson(register(subject, reformatted), 200, "{\"id\":1}");
    assertJson(get("/subjects/" + subject + "/versions"), 200, "[1]");

    String other = subject + "-other";
    assertJson(register(other, USER_AGE_DEFAULT), 200, "{\"id\":2}");
    assertJson(register(other, USER_V1), 200, "{\"id\":1}");
    assertJson(get("/subjects/" + other + "/versions"), 200, "[1,2]");
    assertJson(get("/subjects/" + other + "/versions/2"), 200, subjectSchema(other, 2, 1, USER_V1));
    assertJson(get("/subjects"), 200, JSON.writeValueAsString(List.of(subject, other)));
    assertJson(
        get("/subjects?subjectPrefix=" + other), 200, JSON.writeValueAsString(List.of(other)));
  }

  @Test
  void primitiveSchemasRegisterAndServeTheirCanonicalText() throws Exception {
    assertJson(register(subject, "\"string\""), 200, "{\"id\":1}");
    Response raw = get("/schemas/ids/1/schema");
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.body()).isEqualTo("\"string\"");
  }

  @Test
  void lookupFindsTheVersionOrSaysWhatIsMissing() throws Exception {
    register(subject, USER_V1);
    register(subject, USER_AGE_DEFAULT);
    assertJson(
        send(
            "POST", "/subjects/" + subject + "?normalize=false&deleted=false", schemaBody(USER_V1)),
        200,
        subjectSchema(subject, 1, 1, USER_V1));
    assertError(
        send("POST", "/subjects/nope-" + subject, schemaBody(USER_V1)),
        404,
        40401,
        "Subject 'nope-" + subject + "' not found.");
    assertError(
        send("POST", "/subjects/" + subject, schemaBody(USER_AGE_STRING)),
        404,
        40403,
        "Schema not found");
  }

  @Test
  void schemaByIdAndItsSubjectsAndVersions() throws Exception {
    register(subject, USER_V1);
    register(subject + "-b", USER_V1);
    assertJson(
        get("/schemas/ids/1?fetchMaxId=false&subject=" + subject),
        200,
        "{\"schema\":" + JSON.writeValueAsString(canonical(USER_V1)) + "}");
    Response raw = get("/schemas/ids/1/schema");
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.body()).isEqualTo(canonical(USER_V1));
    assertJson(
        get("/schemas/ids/1/versions"),
        200,
        "[{\"subject\":\""
            + subject
            + "\",\"version\":1},"
            + "{\"subject\":\""
            + subject
            + "-b\",\"version\":1}]");
    assertJson(
        get("/schemas/ids/1/subjects"),
        200,
        JSON.writeValueAsString(List.of(subject, subject + "-b")));
    assertError(get("/schemas/ids/999"), 404, 40403, "Schema 999 not found");
  }

  @Test
  void latestAndExplicitVersionsAndTheirErrors() throws Exception {
    register(subject, USER_V1);
    register(subject, USER_AGE_DEFAULT);
    assertJson(
        get("/subjects/" + subject + "/versions/latest"),
        200,
        subjectSchema(subject, 2, 2, USER_AGE_DEFAULT));
    assertJson(
        get("/subjects/" + subject + "/versions/1"), 200, subjectSchema(subject, 1, 1, USER_V1));
    Response raw = get("/subjects/" + subject + "/versions/latest/schema");
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.body()).isEqualTo(canonical(USER_AGE_DEFAULT));

    assertError(get("/subjects/" + subject + "/versions/7"), 404, 40402, "Version 7 not found.");
    assertError(
        get("/subjects/" + subject + "/versions/abc"),
        422,
        42202,
        "The specified version 'abc' is not a valid version id. Allowed values are between"
            + " [1, 2^31-1] and the string \"latest\"");
    assertThat(get("/subjects/" + subject + "/versions/0").json().get("error_code").asInt())
        .isEqualTo(42202);
    assertError(get("/subjects/nope/versions/latest"), 404, 40401, "Subject 'nope' not found.");
    assertError(get("/subjects/nope/versions"), 404, 40401, "Subject 'nope' not found.");
  }

  @Test
  void backwardRejectsANewFieldWithoutDefaultAndAcceptsOneWithDefault() throws Exception {
    register(subject, USER_V1);

    Response refused = register(subject, USER_AGE_REQUIRED);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("error_code").asInt()).isEqualTo(409);
    assertThat(refused.json().get("message").asText())
        .startsWith(
            "Schema being registered is incompatible with an earlier schema for subject \""
                + subject
                + "\", details: [{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The"
                + " field 'age' at path '/fields/1' in the new schema has no default value and is"
                + " missing in the old schema', additionalInfo:'age'}, {oldSchemaVersion: 1},"
                + " {oldSchema: '"
                + canonical(USER_V1)
                + "'}, {validateFields: 'false', compatibility: 'BACKWARD'}]");
    assertJson(get("/subjects/" + subject + "/versions"), 200, "[1]");

    assertJson(register(subject, USER_AGE_DEFAULT), 200, "{\"id\":2}");
    assertJson(get("/subjects/" + subject + "/versions"), 200, "[1,2]");
  }

  @Test
  void compatibilityEndpointsAnswerPlainAndVerbose() throws Exception {
    register(subject, USER_V1);
    String base = "/compatibility/subjects/" + subject + "/versions";
    assertJson(
        send("POST", base + "/latest?normalize=false&verbose=false", schemaBody(USER_AGE_REQUIRED)),
        200,
        "{\"is_compatible\":false}");
    assertJson(
        send("POST", base + "/1", schemaBody(USER_AGE_DEFAULT)), 200, "{\"is_compatible\":true}");
    assertJson(
        send("POST", base + "?verbose=true", schemaBody(USER_AGE_DEFAULT)),
        200,
        "{\"is_compatible\":true}");

    JsonNode verbose =
        send("POST", base + "/latest?verbose=true", schemaBody(USER_AGE_REQUIRED)).json();
    assertThat(verbose.get("is_compatible").asBoolean()).isFalse();
    assertThat(verbose.get("messages"))
        .extracting(JsonNode::asText)
        .containsExactly(
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'age' at path"
                + " '/fields/1' in the new schema has no default value and is missing in the old"
                + " schema', additionalInfo:'age'}",
            "{oldSchemaVersion: 1}",
            "{oldSchema: '" + canonical(USER_V1) + "'}",
            "{validateFields: 'false', compatibility: 'BACKWARD'}");

    assertJson(
        send("POST", "/compatibility/subjects/nope/versions/latest", schemaBody(USER_V1)),
        200,
        "{\"is_compatible\":true}");
    assertError(send("POST", base + "/9", schemaBody(USER_V1)), 404, 40402, "Version 9 not found.");
    Response invalid = send("POST", base + "/latest", schemaBody("{\"type\":\"nope\"}"));
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.json().get("error_code").asInt()).isEqualTo(42201);
    assertThat(invalid.json().get("message").asText()).contains("type name");
  }

  @Test
  void forwardAndTransitiveLevelsCheckTheRightDirectionAndVersions() throws Exception {
    assertJson(
        send("PUT", "/config/" + subject, "{\"compatibility\":\"FORWARD\"}"),
        200,
        "{\"compatibility\":\"FORWARD\"}");
    register(subject, USER_AGE_REQUIRED);
    Response refused = register(subject, USER_V1);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("message").asText())
        .contains(
            "The field 'age' at path '/fields/1' in the old schema has no default value and is"
                + " missing in the new schema")
        .contains("compatibility: 'FORWARD'");

    // v3 reads v2 (BACKWARD ok) but not v1: only the transitive level looks back at v1.
    String plain = subject + "-plain";
    register(plain, USER_V1);
    register(plain, USER_AGE_DEFAULT);
    assertThat(register(plain, USER_AGE_REQUIRED).status()).isEqualTo(200);
    String transitive = subject + "-transitive";
    send("PUT", "/config/" + transitive, "{\"compatibility\":\"backward_transitive\"}");
    register(transitive, USER_V1);
    register(transitive, USER_AGE_DEFAULT);
    Response transitiveRefused = register(transitive, USER_AGE_REQUIRED);
    assertThat(transitiveRefused.status()).isEqualTo(409);
    assertThat(transitiveRefused.json().get("message").asText())
        .contains("{oldSchemaVersion: 1}")
        .contains("compatibility: 'BACKWARD_TRANSITIVE'");
  }

  @Test
  void configIsGlobalOrPerSubjectAndRejectsUnknownLevels() throws Exception {
    assertJson(get("/config"), 200, "{\"compatibilityLevel\":\"BACKWARD\"}");
    assertError(
        get("/config/" + subject),
        404,
        40408,
        "Subject '" + subject + "' does not have subject-level compatibility configured");
    assertJson(
        get("/config/" + subject + "?defaultToGlobal=true"),
        200,
        "{\"compatibilityLevel\":\"BACKWARD\"}");
    assertJson(
        send("PUT", "/config/" + subject, "{\"compatibility\":\"FULL\"}"),
        200,
        "{\"compatibility\":\"FULL\"}");
    assertJson(get("/config/" + subject), 200, "{\"compatibilityLevel\":\"FULL\"}");
    assertError(
        send("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}"),
        422,
        42203,
        "Invalid compatibility level. Valid values are none, backward, forward, full,"
            + " backward_transitive, forward_transitive, and full_transitive");

    assertJson(
        send("PUT", "/config", "{\"compatibility\":\"NONE\"}"),
        200,
        "{\"compatibility\":\"NONE\"}");
    assertJson(get("/config"), 200, "{\"compatibilityLevel\":\"NONE\"}");
    String other = subject + "-none";
    register(other, USER_V1);
    assertThat(register(other, USER_AGE_REQUIRED).status()).isEqualTo(200);
  }

  @Test
  void softDeletesHideVersionsAndPermanentDeletesNeedThemFirst() throws Exception {
    register(subject, USER_V1);
    register(subject, USER_AGE_DEFAULT);
    String versions = "/subjects/" + subject + "/versions";

    assertError(
        send("DELETE", versions + "/2?permanent=true", null),
        404,
        40407,
        "Subject '"
            + subject
            + "' Version 2 was not deleted first before being permanently deleted");
    assertJson(send("DELETE", versions + "/2", null), 200, "2");
    assertJson(get(versions), 200, "[1]");
    assertJson(get(versions + "?deleted=true"), 200, "[1,2]");
    assertJson(get(versions + "/latest"), 200, subjectSchema(subject, 1, 1, USER_V1));
    assertError(get(versions + "/2"), 404, 40402, "Version 2 not found.");
    assertJson(
        get(versions + "/2?deleted=true"), 200, subjectSchema(subject, 2, 2, USER_AGE_DEFAULT));
    assertThat(get("/schemas/ids/2").status()).isEqualTo(200);
    assertError(
        send("DELETE", versions + "/2", null),
        404,
        40406,
        "Subject '"
            + subject
            + "' Version 2 was soft deleted. Set permanent=true to delete"
            + " permanently");

    // The soft-deleted v2 (age:int) no longer constrains: age:string is compatible with v1.
    assertJson(register(subject, USER_AGE_STRING), 200, "{\"id\":3}");
    assertJson(get(versions), 200, "[1,3]");
    assertJson(send("DELETE", versions + "/2?permanent=true", null), 200, "2");
    assertJson(get(versions + "?deleted=true"), 200, "[1,3]");

    assertError(
        send("DELETE", "/subjects/" + subject + "?permanent=true", null),
        404,
        40405,
        "Subject '" + subject + "' was not deleted first before being permanently deleted");
    assertJson(send("DELETE", "/subjects/" + subject, null), 200, "[1,3]");
    assertError(get(versions), 404, 40401, "Subject '" + subject + "' not found.");
    assertJson(get("/subjects"), 200, "[]");
    assertJson(get("/subjects?deleted=true"), 200, "[\"" + subject + "\"]");
    assertError(
        send("DELETE", "/subjects/" + subject, null),
        404,
        40404,
        "Subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently");
    assertJson(send("DELETE", "/subjects/" + subject + "?permanent=true", null), 200, "[1,3]");
    assertJson(get("/subjects?deleted=true"), 200, "[]");
    assertError(
        send("DELETE", "/subjects/" + subject, null),
        404,
        40401,
        "Subject '" + subject + "' not found.");

    // The ids stay: the same schema registered again keeps its id, in a fresh version 1.
    assertJson(register(subject, USER_AGE_STRING), 200, "{\"id\":3}");
    assertJson(get(versions), 200, "[1]");
  }

  @Test
  void badRequestsGetConfluentErrorBodies() throws Exception {
    Response badJson = send("POST", "/subjects/" + subject + "/versions", "{\"schema\": ");
    assertThat(badJson.status()).isEqualTo(400);
    assertThat(badJson.json().get("error_code").asInt()).isEqualTo(400);
    assertThat(badJson.json().get("message").asText()).isNotBlank();

    Response invalid = register(subject, "{\"type\":\"record\",\"name\":\"X\"}");
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.json().get("error_code").asInt()).isEqualTo(42201);
    assertThat(invalid.json().get("message").asText())
        .startsWith("Invalid schema")
        .contains("fields");

    Response json =
        send(
            "POST",
            "/subjects/" + subject + "/versions",
            "{\"schemaType\":\"JSON\",\"schema\":\"{\\\"type\\\":\\\"object\\\"}\"}");
    assertThat(json.status()).isEqualTo(422);
    assertThat(json.json().get("error_code").asInt()).isEqualTo(42201);
    assertThat(json.json().get("message").asText()).contains("JSON").contains("AVRO");
    assertError(get("/subjects"), 200, -1, null);

    assertError(get("/nothing/here"), 404, 404, "HTTP 404 Not Found");
    assertError(send("PATCH", "/subjects", "{}"), 405, 405, "HTTP 405 Method Not Allowed");
  }

  @Test
  void contentNegotiationFollowsConfluent() throws Exception {
    assertError(get("/subjects", "Accept", "text/plain"), 406, 406, "HTTP 406 Not Acceptable");
    for (String accept :
        List.of(
            "*/*",
            "text/html, image/gif, image/jpeg, */*; q=0.2",
            V1_JSON,
            "application/vnd.schemaregistry+json",
            "application/json")) {
      assertThat(get("/subjects", "Accept", accept).status()).as(accept).isEqualTo(200);
    }
    for (String contentType :
        List.of(
            V1_JSON,
            "application/vnd.schemaregistry+json",
            "application/json; charset=utf-8",
            "application/octet-stream")) {
      assertThat(
              send(
                      "POST",
                      "/subjects/" + subject + "/versions",
                      schemaBody(USER_V1),
                      "Content-Type",
                      contentType)
                  .status())
          .as(contentType)
          .isEqualTo(200);
    }
    assertError(
        send(
            "POST",
            "/subjects/" + subject + "/versions",
            schemaBody(USER_V1),
            "Content-Type",
            "text/plain"),
        415,
        415,
        "HTTP 415 Unsupported Media Type");
  }

  @Test
  void referencedTypesResolveAndTheReferencesAreServed() throws Exception {
    String address =
        "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"it.events\","
            + "\"fields\":[{\"name\":\"city\",\"type\":\"string\"}]}";
    String customer =
        "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"it.events\","
            + "\"fields\":[{\"name\":\"address\",\"type\":\"it.events.Address\"}]}";
    register(subject + "-address", address);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("schema", customer);
    body.put(
        "references",
        List.of(
            Map.of("name", "it.events.Address", "subject", subject + "-address", "version", 1)));
    assertJson(
        send("POST", "/subjects/" + subject + "/versions", JSON.writeValueAsString(body)),
        200,
        "{\"id\":2}");
    JsonNode byId = get("/schemas/ids/2").json();
    // Avro's compact JSON, with the referenced type named, not inlined.
    assertThat(byId.get("schema").asText())
        .isEqualTo(
            "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"it.events\","
                + "\"fields\":[{\"name\":\"address\",\"type\":\"Address\"}]}");
    assertThat(byId.get("references").get(0).get("subject").asText())
        .isEqualTo(subject + "-address");

    Response missing = register(subject + "-broken", customer);
    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.json().get("error_code").asInt()).isEqualTo(42201);
  }

  @Test
  void stateSurvivesARestartOnTheSameDirectoryAndPort() throws Exception {
    register(subject, USER_V1);
    register(subject, USER_AGE_DEFAULT);
    register(subject + "-b", USER_V1);
    send("PUT", "/config/" + subject, "{\"compatibility\":\"FULL\"}");
    send("DELETE", "/subjects/" + subject + "-b/versions/1", null);
    String url = server.url();
    restartOnSameDirectoryAndPort();
    assertThat(server.url()).isEqualTo(url);
    assertJson(get("/subjects/" + subject + "/versions"), 200, "[1,2]");
    assertJson(
        get("/subjects/" + subject + "/versions/latest"),
        200,
        subjectSchema(subject, 2, 2, USER_AGE_DEFAULT));
    assertJson(get("/config/" + subject), 200, "{\"compatibilityLevel\":\"FULL\"}");
    assertError(get("/subjects/" + subject + "-b/versions"), 404, 40401, null);
    assertJson(get("/subjects/" + subject + "-b/versions?deleted=true"), 200, "[1]");
    assertJson(register(subject + "-c", USER_AGE_STRING), 200, "{\"id\":3}");
    assertJson(register(subject + "-d", USER_V1), 200, "{\"id\":1}");
  }

  @Test
  void aStateWithEmptyCollectionsReloads() throws Exception {
    send("PUT", "/config", "{\"compatibility\":\"FULL\"}");
    restartOnSameDirectoryAndPort();
    assertJson(get("/config"), 200, "{\"compatibilityLevel\":\"FULL\"}");
    assertJson(get("/subjects"), 200, "[]");

    register(subject, USER_V1);
    send("DELETE", "/subjects/" + subject, null);
    send("DELETE", "/subjects/" + subject + "?permanent=true", null);
    restartOnSameDirectoryAndPort();
    assertJson(get("/subjects?deleted=true"), 200, "[]");
    assertJson(
        get("/schemas/ids/1"),
        200,
        "{\"schema\":" + JSON.writeValueAsString(canonical(USER_V1)) + "}");
    assertJson(register(subject, USER_AGE_DEFAULT), 200, "{\"id\":2}");
  }

  @Test
  void everyChangeIsOnDiskBeforeTheResponse() throws Exception {
    register(subject, USER_V1);
    send("PUT", "/config/" + subject, "{\"compatibility\":\"NONE\"}");
    // A second server reading the same directory while the first still runs (nothing closed,
    // nothing flushed at shutdown) sees every answered change.
    try (SchemaRegistryServer reader = SchemaRegistryServer.start(storage, 0)) {
      SchemaRegistryServer writer = server;
      server = reader;
      try {
        assertJson(get("/subjects/" + subject + "/versions"), 200, "[1]");
        assertJson(get("/config/" + subject), 200, "{\"compatibilityLevel\":\"NONE\"}");
      } finally {
        server = writer;
      }
    }
    assertThat(storage.resolve("schema-registry.json")).isRegularFile();
    assertThat(storage.resolve("schema-registry.json.tmp")).doesNotExist();
  }

  @Test
  void concurrentRegistrationsGetOneIdPerSchemaAndOneVersionPerSubject() throws Exception {
    int schemas = 10;
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Integer>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  List<Integer> ids = new ArrayList<>();
                  for (int i = 0; i < schemas; i++) {
                    String schema = "{\"type\":\"fixed\",\"name\":\"F" + i + "\",\"size\":4}";
                    ids.add(register(subject + "-" + i, schema).json().get("id").asInt());
                  }
                  return ids;
                }));
      }
      List<Integer> first = results.get(0).get(30, TimeUnit.SECONDS);
      assertThat(first).doesNotHaveDuplicates().allMatch(id -> id >= 1 && id <= schemas);
      for (Future<List<Integer>> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(first);
      }
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < schemas; i++) {
      assertJson(get("/subjects/" + subject + "-" + i + "/versions"), 200, "[1]");
    }
  }

  @Test
  void startFailsClearlyOnATakenPortOrAnUnreadableState() throws Exception {
    assertThatThrownBy(() -> SchemaRegistryServer.start(storage, server.port()))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("127.0.0.1:" + server.port());
    assertThatThrownBy(() -> SchemaRegistryServer.start(storage, 70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");

    Path broken = storage.resolve("broken");
    Files.createDirectories(broken);
    Files.writeString(broken.resolve("schema-registry.json"), "{not json");
    assertThatThrownBy(() -> SchemaRegistryServer.start(broken, 0))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(broken.toString());
  }

  // ---------------------------------------------------------------- helpers

  private record Response(int status, String body) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  private void restartOnSameDirectoryAndPort() {
    int port = server.port();
    server.close();
    server = SchemaRegistryServer.start(storage, port);
  }

  private Response register(String subject, String schema) throws Exception {
    return send("POST", "/subjects/" + subject + "/versions?normalize=false", schemaBody(schema));
  }

  private Response get(String path, String... headers) throws Exception {
    return send("GET", path, null, headers);
  }

  /** Sends like the Confluent client (v1+json Content-Type) and asserts the response type. */
  private Response send(String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.url() + path))
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

  private static String schemaBody(String schema) throws IOException {
    return JSON.writeValueAsString(Map.of("schema", schema));
  }

  private static String canonical(String schema) {
    return new org.apache.avro.Schema.Parser().parse(schema).toString();
  }

  private static String subjectSchema(String subject, int version, int id, String schema)
      throws IOException {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("subject", subject);
    expected.put("version", version);
    expected.put("id", id);
    expected.put("schema", canonical(schema));
    return JSON.writeValueAsString(expected);
  }

  private static void assertJson(Response response, int status, String expectedJson)
      throws IOException {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.json()).isEqualTo(JSON.readTree(expectedJson));
  }

  /** Asserts status, and error_code and message unless -1 / null. */
  private static void assertError(Response response, int status, int errorCode, String message)
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
