package dev.relaybox.devstack.peers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Responses remembered by {@code Idempotency-Key}, as Stripe does: the same key with the same
 * request replays the first response (201 becomes 200) with {@code Idempotent-Replayed: true}; the
 * same key with another request is a 422. Only responses the effect returns are remembered; an
 * {@link HttpProblem} thrown before the effect leaves the key free.
 *
 * <p>Not thread-safe: the owner calls {@link #execute} under the lock that guards its state, so
 * that the effect and the remembered response are one atomic step.
 */
final class IdempotentResponses {
  static final String REPLAYED_HEADER = "Idempotent-Replayed";

  private record Remembered(String path, JsonNode body, PeerResponse response) {}

  private final Map<String, Remembered> byKey = new HashMap<>();

  PeerResponse execute(PeerRequest request, Function<JsonNode, PeerResponse> effect) {
    String key = request.requiredIdempotencyKey();
    JsonNode body = request.jsonObject();
    Remembered earlier = byKey.get(key);
    if (earlier != null) {
      if (!earlier.path().equals(request.path()) || !earlier.body().equals(body)) {
        throw new HttpProblem(
            422,
            "idempotency_key_reused",
            "Idempotency-Key '"
                + key
                + "' was first used with a different request: use a new key for a new request");
      }
      PeerResponse first = earlier.response();
      int status = first.status() == 201 ? 200 : first.status();
      return new PeerResponse(status, first.body(), first.headers())
          .withHeader(REPLAYED_HEADER, "true");
    }
    PeerResponse response = effect.apply(body);
    byKey.put(key, new Remembered(request.path(), body, response));
    return response;
  }
}
