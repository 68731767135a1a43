package dev.relaybox.consumers.saga;

/**
 * A step's action or compensation: publishes commands or events through {@link SagaContext#publish}
 * and may write to the database with {@link SagaContext#tx()}. It runs inside the transaction that
 * records the saga's new state (and the processed key of the reply that moved it), under a
 * savepoint: when it throws, its writes are rolled back and the error is classified by the saga's
 * {@code ErrorClassifier} (transient: retried after a backoff; permanent: the step fails). Make it
 * idempotent: it runs again after a retry or a timeout. Never call a remote service here; send a
 * command to a participant instead.
 *
 * @param <D> the saga's data
 */
@FunctionalInterface
public interface SagaAction<D> {

  /** Does the step's work in {@code saga}'s transaction. */
  void run(SagaContext<D> saga) throws Exception;
}
