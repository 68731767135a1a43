package dev.relaybox.devstack.peers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** JSON building and field validation; a bad field is a 400 naming the field. */
public final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  /** A non-blank string field. */
  public static String requiredText(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw invalid(field + " is required and must be a non-blank string");
    }
    return value.asText();
  }

  /** An integer field of at least {@code min}. */
  public static long requiredLong(JsonNode body, String field, long min) {
    JsonNode value = body.get(field);
    if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
      throw invalid(field + " is required and must be an integer");
    }
    if (value.asLong() < min) {
      throw invalid(field + " must be at least " + min + ", was " + value.asLong());
    }
    return value.asLong();
  }

  /** A non-empty array of non-blank strings. */
  public static List<String> requiredTexts(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || !value.isArray() || value.isEmpty()) {
      throw invalid(field + " is required and must be a non-empty array of strings");
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual() || item.asText().isBlank()) {
        throw invalid(field + " must contain non-blank strings only, found " + item);
      }
      texts.add(item.asText());
    }
    return texts;
  }

  static HttpProblem invalid(String message) {
    return new HttpProblem(400, "invalid_request", message);
  }
}
