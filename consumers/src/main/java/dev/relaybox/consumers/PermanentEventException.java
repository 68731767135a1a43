package dev.relaybox.consumers;

/**
 * Thrown by a handler when the event can never succeed as it is (invalid content, a business rule
 * that rejects it): the runner moves it to the dead set at once, without retries; its key waits or
 * goes on by the runner's {@link DeadKeyPolicy}.
 */
public class PermanentEventException extends RuntimeException {

  public PermanentEventException(String message) {
    super(message);
  }

  public PermanentEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
