package dev.relaybox.consumers;

/**
 * Thrown by a handler when the event may succeed later (a dependency is down, a lock timed out):
 * the runner retries it in place with exponential backoff, keeping its partition's order, and
 * dead-letters it after the configured number of attempts.
 */
public class RetryableEventException extends RuntimeException {

  public RetryableEventException(String message) {
    super(message);
  }

  public RetryableEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
