package dev.relaybox.consumers;

/**
 * Thrown by a handler when the event may succeed later (a dependency is down, a lock timed out):
 * the runner parks its key (the key's later events wait, other keys go on), retries it with
 * exponential backoff, and moves it to the dead set after the configured number of attempts.
 */
public class RetryableEventException extends RuntimeException {

  public RetryableEventException(String message) {
    super(message);
  }

  public RetryableEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
