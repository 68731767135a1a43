package dev.relaybox.devstack.registry;

import static dev.relaybox.devstack.registry.RegistryHttp.JSON;
import static dev.relaybox.devstack.registry.RegistryHttp.USER_AGE_DEFAULT;
import static dev.relaybox.devstack.registry.RegistryHttp.USER_AGE_STRING;
import static dev.relaybox.devstack.registry.RegistryHttp.USER_V1;
import static dev.relaybox.devstack.registry.RegistryHttp.V1_JSON;
import static dev.relaybox.devstack.registry.RegistryHttp.assertError;
import static dev.relaybox.devstack.registry.RegistryHttp.assertJson;
import static dev.relaybox.devstack.registry.RegistryHttp.canonical;
import static dev.relaybox.devstack.registry.RegistryHttp.schemaBody;
import static dev.relaybox.devstack.registry.RegistryHttp.subjectSchema;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaybox.devstack.registry.RegistryHttp.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dev registry over real HTTP, against the Confluent REST contract: subjects, versions, ids,
 * deletes, errors, content types, references.
 */
class SchemaRegistryServerIT extends RegistryServerFixture {

  @Test
  void urlIsLoopbackWithTheBoundPortAndRootAnswersEmptyObject() throws Exception {
    assertThat(server.port()).isPositive();
    assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
    assertJson(registry.get("/"), 200, "{}");
    assertJson(registry.get("/schemas/types"), 200, "[\"AVRO\"]");
  }

  @Test
  void registerIsIdempotentAndIdsAreGlobalAcrossSubjects() throws Exception {
    assertJson(registry.register(subject, USER_V1), 200, "{\"id\":1}");
    // Same schema, other whitespace and key order: the same schema.
    String reformatted =
        "{ \"namespace\" : \"it.events\", \"type\" : \"record\", \"name\" : \"User\",\n"
            + "  \"fields\" : [ { \"type\" : \"string\", \"name\" : \"id\" } ] }";
    assertJson(registry.register(subject, reformatted), 200, "{\"id\":1}");
    assertJson(registry.get("/subjects/" + subject + "/versions"), 200, "[1]");

    String other = subject + "-other";
    assertJson(registry.register(other, USER_AGE_DEFAULT), 200, "{\"id\":2}");
    assertJson(registry.register(other, USER_V1), 200, "{\"id\":1}");
    assertJson(registry.get("/subjects/" + other + "/versions"), 200, "[1,2]");
    assertJson(
        registry.get("/subjects/" + other + "/versions/2"),
        200,
        subjectSchema(other, 2, 1, USER_V1));
    assertJson(registry.get("/subjects"), 200, JSON.writeValueAsString(List.of(subject, other)));
    assertJson(
        registry.get("/subjects?subjectPrefix=" + other),
        200,
        JSON.writeValueAsString(List.of(other)));
  }

  @Test
  void primitiveSchemasRegisterAndServeTheirCanonicalText() throws Exception {
    assertJson(registry.register(subject, "\"string\""), 200, "{\"id\":1}");
    Response raw = registry.get("/schemas/ids/1/schema");
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.body()).isEqualTo("\"string\"");
  }

  @Test
  void lookupFindsTheVersionOrSaysWhatIsMissing() throws Exception {
    registry.register(subject, USER_V1);
    registry.register(subject, USER_AGE_DEFAULT);
    assertJson(
        registry.send(
            "POST", "/subjects/" + subject + "?normalize=false&deleted=false", schemaBody(USER_V1)),
        200,
        subjectSchema(subject, 1, 1, USER_V1));
    assertError(
        registry.send("POST", "/subjects/nope-" + subject, schemaBody(USER_V1)),
        404,
        40401,
        "Subject 'nope-" + subject + "' not found.");
    assertError(
        registry.send("POST", "/subjects/" + subject, schemaBody(USER_AGE_STRING)),
        404,
        40403,
        "Schema not found");
  }

  @Test
  void schemaByIdAndItsSubjectsAndVersions() throws Exception {
    registry.register(subject, USER_V1);
    registry.register(subject + "-b", USER_V1);
    assertJson(
        registry.get("/schemas/ids/1?fetchMaxId=false&subject=" + subject),
        200,
        "{\"schema\":" + JSON.writeValueAsString(canonical(USER_V1)) + "}");
    Response raw = registry.get("/schemas/ids/1/schema");
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.body()).isEqualTo(canonical(USER_V1));
    assertJson(
        registry.get("/schemas/ids/1/versions"),
        200,
        "[{\"subject\":\""
            + subject
            + "\",\"version\":1},"
            + "{\"subject\":\""
            + subject
            + "-b\",\"version\":1}]");
    assertJson(
        registry.get("/schemas/ids/1/subjects"),
        200,
        JSON.writeValueAsString(List.of(subject, subject + "-b")));
    assertError(registry.get("/schemas/ids/999"), 404, 40403, "Schema 999 not found");
  }

  @Test
  void latestAndExplicitVersionsAndTheirErrors() throws Exception {
    registry.register(subject, USER_V1);
    registry.register(subject, USER_AGE_DEFAULT);
    assertJson(
        registry.get("/subjects/" + subject + "/versions/latest"),
        200,
        subjectSchema(subject, 2, 2, USER_AGE_DEFAULT));
    assertJson(
        registry.get("/subjects/" + subject + "/versions/1"),
        200,
        subjectSchema(subject, 1, 1, USER_V1));
    Response raw = registry.get("/subjects/" + subject + "/versions/latest/schema");
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.body()).isEqualTo(canonical(USER_AGE_DEFAULT));

    assertError(
        registry.get("/subjects/" + subject + "/versions/7"), 404, 40402, "Version 7 not found.");
    assertError(
        registry.get("/subjects/" + subject + "/versions/abc"),
        422,
        42202,
        "The specified version 'abc' is not a valid version id. Allowed values are between"
            + " [1, 2^31-1] and the string \"latest\"");
    assertThat(
            registry.get("/subjects/" + subject + "/versions/0").json().get("error_code").asInt())
        .isEqualTo(42202);
    assertError(
        registry.get("/subjects/nope/versions/latest"), 404, 40401, "Subject 'nope' not found.");
    assertError(registry.get("/subjects/nope/versions"), 404, 40401, "Subject 'nope' not found.");
  }

  @Test
  void softDeletesHideVersionsAndPermanentDeletesNeedThemFirst() throws Exception {
    registry.register(subject, USER_V1);
    registry.register(subject, USER_AGE_DEFAULT);
    String versions = "/subjects/" + subject + "/versions";

    assertError(
        registry.send("DELETE", versions + "/2?permanent=true", null),
        404,
        40407,
        "Subject '"
            + subject
            + "' Version 2 was not deleted first before being permanently deleted");
    assertJson(registry.send("DELETE", versions + "/2", null), 200, "2");
    assertJson(registry.get(versions), 200, "[1]");
    assertJson(registry.get(versions + "?deleted=true"), 200, "[1,2]");
    assertJson(registry.get(versions + "/latest"), 200, subjectSchema(subject, 1, 1, USER_V1));
    assertError(registry.get(versions + "/2"), 404, 40402, "Version 2 not found.");
    assertJson(
        registry.get(versions + "/2?deleted=true"),
        200,
        subjectSchema(subject, 2, 2, USER_AGE_DEFAULT));
    assertThat(registry.get("/schemas/ids/2").status()).isEqualTo(200);
    assertError(
        registry.send("DELETE", versions + "/2", null),
        404,
        40406,
        "Subject '"
            + subject
            + "' Version 2 was soft deleted. Set permanent=true to delete"
            + " permanently");

    // The soft-deleted v2 (age:int) no longer constrains: age:string is compatible with v1.
    assertJson(registry.register(subject, USER_AGE_STRING), 200, "{\"id\":3}");
    assertJson(registry.get(versions), 200, "[1,3]");
    assertJson(registry.send("DELETE", versions + "/2?permanent=true", null), 200, "2");
    assertJson(registry.get(versions + "?deleted=true"), 200, "[1,3]");

    assertError(
        registry.send("DELETE", "/subjects/" + subject + "?permanent=true", null),
        404,
        40405,
        "Subject '" + subject + "' was not deleted first before being permanently deleted");
    assertJson(registry.send("DELETE", "/subjects/" + subject, null), 200, "[1,3]");
    assertError(registry.get(versions), 404, 40401, "Subject '" + subject + "' not found.");
    assertJson(registry.get("/subjects"), 200, "[]");
    assertJson(registry.get("/subjects?deleted=true"), 200, "[\"" + subject + "\"]");
    assertError(
        registry.send("DELETE", "/subjects/" + subject, null),
        404,
        40404,
        "Subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently");
    assertJson(
        registry.send("DELETE", "/subjects/" + subject + "?permanent=true", null), 200, "[1,3]");
    assertJson(registry.get("/subjects?deleted=true"), 200, "[]");
    assertError(
        registry.send("DELETE", "/subjects/" + subject, null),
        404,
        40401,
        "Subject '" + subject + "' not found.");

    // The ids stay: the same schema registered again keeps its id, in a fresh version 1.
    assertJson(registry.register(subject, USER_AGE_STRING), 200, "{\"id\":3}");
    assertJson(registry.get(versions), 200, "[1]");
  }

  @Test
  void badRequestsGetConfluentErrorBodies() throws Exception {
    Response badJson = registry.send("POST", "/subjects/" + subject + "/versions", "{\"schema\": ");
    assertThat(badJson.status()).isEqualTo(400);
    assertThat(badJson.json().get("error_code").asInt()).isEqualTo(400);
    assertThat(badJson.json().get("message").asText()).isNotBlank();

    Response invalid = registry.register(subject, "{\"type\":\"record\",\"name\":\"X\"}");
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.json().get("error_code").asInt()).isEqualTo(42201);
    assertThat(invalid.json().get("message").asText())
        .startsWith("Invalid schema")
        .contains("fields");

    Response json =
        registry.send(
            "POST",
            "/subjects/" + subject + "/versions",
            "{\"schemaType\":\"JSON\",\"schema\":\"{\\\"type\\\":\\\"object\\\"}\"}");
    assertThat(json.status()).isEqualTo(422);
    assertThat(json.json().get("error_code").asInt()).isEqualTo(42201);
    assertThat(json.json().get("message").asText()).contains("JSON").contains("AVRO");
    assertError(registry.get("/subjects"), 200, -1, null);

    assertError(registry.get("/nothing/here"), 404, 404, "HTTP 404 Not Found");
    assertError(registry.send("PATCH", "/subjects", "{}"), 405, 405, "HTTP 405 Method Not Allowed");
  }

  @Test
  void contentNegotiationFollowsConfluent() throws Exception {
    assertError(
        registry.get("/subjects", "Accept", "text/plain"), 406, 406, "HTTP 406 Not Acceptable");
    for (String accept :
        List.of(
            "*/*",
            "text/html, image/gif, image/jpeg, */*; q=0.2",
            V1_JSON,
            "application/vnd.schemaregistry+json",
            "application/json")) {
      assertThat(registry.get("/subjects", "Accept", accept).status()).as(accept).isEqualTo(200);
    }
    for (String contentType :
        List.of(
            V1_JSON,
            "application/vnd.schemaregistry+json",
            "application/json; charset=utf-8",
            "application/octet-stream")) {
      assertThat(
              registry
                  .send(
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
        registry.send(
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
    registry.register(subject + "-address", address);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("schema", customer);
    body.put(
        "references",
        List.of(
            Map.of("name", "it.events.Address", "subject", subject + "-address", "version", 1)));
    assertJson(
        registry.send("POST", "/subjects/" + subject + "/versions", JSON.writeValueAsString(body)),
        200,
        "{\"id\":2}");
    JsonNode byId = registry.get("/schemas/ids/2").json();
    // Avro's compact JSON, with the referenced type named, not inlined.
    assertThat(byId.get("schema").asText())
        .isEqualTo(
            "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"it.events\","
                + "\"fields\":[{\"name\":\"address\",\"type\":\"Address\"}]}");
    assertThat(byId.get("references").get(0).get("subject").asText())
        .isEqualTo(subject + "-address");

    Response missing = registry.register(subject + "-broken", customer);
    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.json().get("error_code").asInt()).isEqualTo(42201);
  }
}
