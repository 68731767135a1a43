package dev.relaybox.devstack.registry;

import static dev.relaybox.devstack.registry.RegistryHttp.USER_AGE_DEFAULT;
import static dev.relaybox.devstack.registry.RegistryHttp.USER_AGE_REQUIRED;
import static dev.relaybox.devstack.registry.RegistryHttp.USER_V1;
import static dev.relaybox.devstack.registry.RegistryHttp.assertError;
import static dev.relaybox.devstack.registry.RegistryHttp.assertJson;
import static dev.relaybox.devstack.registry.RegistryHttp.canonical;
import static dev.relaybox.devstack.registry.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaybox.devstack.registry.RegistryHttp.Response;
import org.junit.jupiter.api.Test;

/** The dev registry's compatibility checks and configuration over real HTTP, as Confluent's. */
class SchemaRegistryCompatibilityIT extends RegistryServerFixture {

  @Test
  void backwardRejectsANewFieldWithoutDefaultAndAcceptsOneWithDefault() throws Exception {
    registry.register(subject, USER_V1);

    Response refused = registry.register(subject, USER_AGE_REQUIRED);
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
    assertJson(registry.get("/subjects/" + subject + "/versions"), 200, "[1]");

    assertJson(registry.register(subject, USER_AGE_DEFAULT), 200, "{\"id\":2}");
    assertJson(registry.get("/subjects/" + subject + "/versions"), 200, "[1,2]");
  }

  @Test
  void compatibilityEndpointsAnswerPlainAndVerbose() throws Exception {
    registry.register(subject, USER_V1);
    String base = "/compatibility/subjects/" + subject + "/versions";
    assertJson(
        registry.send(
            "POST", base + "/latest?normalize=false&verbose=false", schemaBody(USER_AGE_REQUIRED)),
        200,
        "{\"is_compatible\":false}");
    assertJson(
        registry.send("POST", base + "/1", schemaBody(USER_AGE_DEFAULT)),
        200,
        "{\"is_compatible\":true}");
    assertJson(
        registry.send("POST", base + "?verbose=true", schemaBody(USER_AGE_DEFAULT)),
        200,
        "{\"is_compatible\":true}");

    JsonNode verbose =
        registry.send("POST", base + "/latest?verbose=true", schemaBody(USER_AGE_REQUIRED)).json();
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
        registry.send("POST", "/compatibility/subjects/nope/versions/latest", schemaBody(USER_V1)),
        200,
        "{\"is_compatible\":true}");
    assertError(
        registry.send("POST", base + "/9", schemaBody(USER_V1)),
        404,
        40402,
        "Version 9 not found.");
    Response invalid = registry.send("POST", base + "/latest", schemaBody("{\"type\":\"nope\"}"));
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.json().get("error_code").asInt()).isEqualTo(42201);
    assertThat(invalid.json().get("message").asText()).contains("type name");
  }

  @Test
  void forwardAndTransitiveLevelsCheckTheRightDirectionAndVersions() throws Exception {
    assertJson(
        registry.send("PUT", "/config/" + subject, "{\"compatibility\":\"FORWARD\"}"),
        200,
        "{\"compatibility\":\"FORWARD\"}");
    registry.register(subject, USER_AGE_REQUIRED);
    Response refused = registry.register(subject, USER_V1);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("message").asText())
        .contains(
            "The field 'age' at path '/fields/1' in the old schema has no default value and is"
                + " missing in the new schema")
        .contains("compatibility: 'FORWARD'");

    // v3 reads v2 (BACKWARD ok) but not v1: only the transitive level looks back at v1.
    String plain = subject + "-plain";
    registry.register(plain, USER_V1);
    registry.register(plain, USER_AGE_DEFAULT);
    assertThat(registry.register(plain, USER_AGE_REQUIRED).status()).isEqualTo(200);
    String transitive = subject + "-transitive";
    registry.send("PUT", "/config/" + transitive, "{\"compatibility\":\"backward_transitive\"}");
    registry.register(transitive, USER_V1);
    registry.register(transitive, USER_AGE_DEFAULT);
    Response transitiveRefused = registry.register(transitive, USER_AGE_REQUIRED);
    assertThat(transitiveRefused.status()).isEqualTo(409);
    assertThat(transitiveRefused.json().get("message").asText())
        .contains("{oldSchemaVersion: 1}")
        .contains("compatibility: 'BACKWARD_TRANSITIVE'");
  }

  @Test
  void configIsGlobalOrPerSubjectAndRejectsUnknownLevels() throws Exception {
    assertJson(registry.get("/config"), 200, "{\"compatibilityLevel\":\"BACKWARD\"}");
    assertError(
        registry.get("/config/" + subject),
        404,
        40408,
        "Subject '" + subject + "' does not have subject-level compatibility configured");
    assertJson(
        registry.get("/config/" + subject + "?defaultToGlobal=true"),
        200,
        "{\"compatibilityLevel\":\"BACKWARD\"}");
    assertJson(
        registry.send("PUT", "/config/" + subject, "{\"compatibility\":\"FULL\"}"),
        200,
        "{\"compatibility\":\"FULL\"}");
    assertJson(registry.get("/config/" + subject), 200, "{\"compatibilityLevel\":\"FULL\"}");
    assertError(
        registry.send("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}"),
        422,
        42203,
        "Invalid compatibility level. Valid values are none, backward, forward, full,"
            + " backward_transitive, forward_transitive, and full_transitive");

    assertJson(
        registry.send("PUT", "/config", "{\"compatibility\":\"NONE\"}"),
        200,
        "{\"compatibility\":\"NONE\"}");
    assertJson(registry.get("/config"), 200, "{\"compatibilityLevel\":\"NONE\"}");
    String other = subject + "-none";
    registry.register(other, USER_V1);
    assertThat(registry.register(other, USER_AGE_REQUIRED).status()).isEqualTo(200);
  }
}
