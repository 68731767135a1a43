package dev.relaybox.schemas.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaybox.schemas.registry.MalformedRegistryResponseException;
import dev.relaybox.schemas.registry.SchemaReference;
import dev.relaybox.schemas.registry.SchemaRegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** Reading the registry's JSON answers; anything unexpected is a 50005 malformed response. */
final class Responses {

  private Responses() {}

  static int requiredInt(String operation, JsonNode response, String field) {
    JsonNode value = response == null ? null : response.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw malformed(operation, "no integer '" + field + "'");
    }
    return value.asInt();
  }

  /** The text of a {@code schema} field, checked to be an Avro schema. */
  static String schemaText(String operation, JsonNode response) {
    JsonNode schema = response == null ? null : response.get("schema");
    if (schema == null || !schema.isTextual()) {
      throw malformed(operation, "no string 'schema'");
    }
    String type = response.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw new SchemaRegistryException(
          operation + " failed: the registry holds a " + type + " schema; only Avro is supported",
          200,
          SchemaRegistryException.JSON_PARSE_ERROR_CODE,
          null);
    }
    return schema.asText();
  }

  /** The {@code references} of a schema response; empty when absent. */
  static List<SchemaReference> references(String operation, JsonNode response) {
    List<SchemaReference> references = new ArrayList<>();
    for (JsonNode r : response.path("references")) {
      try {
        references.add(
            new SchemaReference(
                r.path("name").asText(null),
                r.path("subject").asText(null),
                requiredInt(operation, r, "version")));
      } catch (NullPointerException | IllegalArgumentException e) {
        throw malformed(operation, "a reference lacks name, subject or version: " + r);
      }
    }
    return List.copyOf(references);
  }

  static JsonNode array(String operation, JsonNode response) {
    if (response == null || !response.isArray()) {
      throw malformed(operation, "expected a JSON array");
    }
    return response;
  }

  static List<Integer> integers(String operation, JsonNode response) {
    List<Integer> values = new ArrayList<>();
    for (JsonNode value : array(operation, response)) {
      if (!value.canConvertToInt()) {
        throw malformed(operation, "version " + value + " is not an integer");
      }
      values.add(value.asInt());
    }
    return List.copyOf(values);
  }

  /** An enum constant named by {@code field}, e.g. a compatibility level or a mode. */
  static <E> E constant(
      String operation, JsonNode response, String field, Function<String, E> valueOf) {
    String value = response == null ? null : response.path(field).asText(null);
    try {
      return valueOf.apply(Objects.requireNonNull(value));
    } catch (RuntimeException e) {
      throw malformed(operation, "'" + field + "' is " + value + ", not a known value");
    }
  }

  static MalformedRegistryResponseException malformed(String operation, String problem) {
    return new MalformedRegistryResponseException(
        operation + " failed: unexpected registry response: " + problem,
        200,
        SchemaRegistryException.JSON_PARSE_ERROR_CODE,
        null);
  }
}
