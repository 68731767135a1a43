package dev.relaybox.outbox;

/**
 * Thrown when an event is published on a connection in auto-commit mode. The outbox row would be
 * committed on its own, independently of the business rows: the dual-write bug the outbox exists to
 * prevent. Nothing was written.
 */
public class TransactionRequiredException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public TransactionRequiredException(String message) {
    super(message);
  }
}
