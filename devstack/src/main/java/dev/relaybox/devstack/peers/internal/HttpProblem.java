package dev.relaybox.devstack.peers.internal;

/**
 * A request the peer refuses before any effect: answered with {@code status} and {@code {"error",
 * "message"}}, and never remembered under an idempotency key.
 */
public final class HttpProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;

  public HttpProblem(int status, String error, String message) {
    super(message);
    this.status = status;
    this.error = error;
  }

  PeerResponse toResponse() {
    return PeerResponse.error(status, error, getMessage());
  }
}
