package dev.relaybox.consumers;

/**
 * Thrown by a handler when the event can never succeed as it is (invalid content, a business rule
 * that rejects it): the runner dead-letters it at once, without retries, and moves on.
 */
public class PermanentEventException extends RuntimeException {

  public PermanentEventException(String message) {
    super(message);
  }

  public PermanentEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
