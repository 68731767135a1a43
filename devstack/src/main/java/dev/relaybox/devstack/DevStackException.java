package dev.relaybox.devstack;

/** A devstack component could not start, stop or answer; the message names it and what to do. */
public class DevStackException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DevStackException(String message) {
    super(message);
  }

  public DevStackException(String message, Throwable cause) {
    super(message, cause);
  }
}
