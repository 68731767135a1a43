package dev.relaybox.devstack.peers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;

/**
 * One request as the handlers see it.
 *
 * @param method HTTP method
 * @param path decoded path
 * @param pathParams values of the route's {@code {name}} segments
 * @param query decoded query parameters (the first value of each)
 * @param idempotencyKey the {@code Idempotency-Key} header; null when absent
 * @param body raw body
 */
public record PeerRequest(
    String method,
    String path,
    Map<String, String> pathParams,
    Map<String, String> query,
    String idempotencyKey,
    byte[] body) {

  /** The {@code Idempotency-Key} header; 400 when absent or blank. */
  public String requiredIdempotencyKey() {
    if (idempotencyKey == null || idempotencyKey.isBlank()) {
      throw Json.invalid("the Idempotency-Key header is required: send one unique key per effect");
    }
    return idempotencyKey;
  }

  /** The body as a JSON object; 400 when it is not one. */
  public JsonNode jsonObject() {
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw Json.invalid("the body is not valid JSON: " + e.getMessage());
    }
    if (json == null || !json.isObject()) {
      throw Json.invalid("the body must be a JSON object");
    }
    return json;
  }
}
