package dev.relaybox.consumers;

/**
 * A remote HTTP service answered with a non-success status. The default {@link ErrorClassifier}
 * treats 408, 429 and 5xx as transient and every other status as permanent.
 */
public class HttpStatusException extends RuntimeException {

  private final int status;

  /**
   * @param status the HTTP status code
   * @param message what was called and what it answered; no credentials
   */
  public HttpStatusException(int status, String message) {
    super(message + " (HTTP " + status + ")");
    this.status = status;
  }

  /** The HTTP status code. */
  public int status() {
    return status;
  }

  /** Whether the status is worth retrying: 408, 429 or 5xx. */
  public boolean isTransient() {
    return status == 408 || status == 429 || status >= 500;
  }
}
