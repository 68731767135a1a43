package dev.relaybox.relay;

/**
 * The relay cannot start, or stopped fatally. The message says what happened and what to do; it
 * never contains credentials.
 */
public class RelayException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RelayException(String message) {
    super(message);
  }

  public RelayException(String message, Throwable cause) {
    super(message, cause);
  }
}
