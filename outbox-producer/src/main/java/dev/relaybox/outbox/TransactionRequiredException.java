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

  /**
   * The refusal of a publish outside a transaction; every Relaybox API that refuses (the plain
   * outbox on an auto-commit connection, the Spring starter without an active transaction) throws
   * this one, with the same message.
   */
  public static TransactionRequiredException outsideTransaction() {
    return new TransactionRequiredException(
        "publish was called outside a transaction (a connection in auto-commit mode, or no"
            + " transaction active), so the outbox row would be committed on its own, independently"
            + " of the business rows (the dual-write bug the outbox prevents); open a transaction"
            + " (setAutoCommit(false), or @Transactional with the Spring starter), write the"
            + " business rows and publish in it, then commit. Nothing was written");
  }
}
