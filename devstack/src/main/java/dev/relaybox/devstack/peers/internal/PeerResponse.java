package dev.relaybox.devstack.peers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/** A JSON response: status, body and extra headers (immutable). */
public record PeerResponse(int status, JsonNode body, Map<String, String> headers) {
  public PeerResponse {
    headers = Map.copyOf(headers);
  }

  public static PeerResponse json(int status, JsonNode body) {
    return new PeerResponse(status, body, Map.of());
  }

  static PeerResponse error(int status, String error, String message) {
    return json(status, Json.object().put("error", error).put("message", message));
  }

  PeerResponse withHeader(String name, String value) {
    Map<String, String> more = new HashMap<>(headers);
    more.put(name, value);
    return new PeerResponse(status, body, more);
  }
}
