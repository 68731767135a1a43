package dev.relaybox.consumers;

import java.sql.Connection;

/**
 * A handler with an external side effect, split so that the safe order is the only one available:
 * first {@link #call} the third party <em>outside</em> any database transaction, then {@link
 * #record} its result in a short transaction together with the processed key and any follow-up
 * outbox events.
 *
 * <p>Why: a transaction that stays open across a slow remote call holds its row locks and its
 * connection for the duration of the call; when the remote service slows down, every connection in
 * the pool ends up waiting on it and the database stops serving everyone else (Sidekiq's well-known
 * outage pattern). Here the transaction only ever contains fast local writes.
 *
 * <p>The remote call must be idempotent under the event id (e.g. an {@code Idempotency-Key}
 * header): it runs again when the process dies between the call and the commit, or when the
 * transaction fails. Events already in the processed-keys table are not called again.
 *
 * <p>Both methods run on the runner's worker threads, concurrently for different keys (up to the
 * runner's {@code maxInFlight}), so they must be thread-safe; the events of one key are always
 * handled one at a time, in offset order. {@link #call} holds no database connection.
 *
 * @param <R> the result of the remote call, passed to {@link #record}
 */
public interface TwoPhaseEventHandler<R> {

  /**
   * Performs the external side effect. No transaction is open.
   *
   * @param event the decoded event; use {@link ConsumedEvent#eventId()} as the idempotency key
   * @return the result to record; may be null
   * @throws Exception classified by the {@link ErrorClassifier}: the key is parked and the event
   *     retried later, or the event goes to the dead set
   */
  R call(ConsumedEvent event) throws Exception;

  /**
   * Records the result with {@code tx}: result rows and follow-up events (via {@code
   * Outbox.publish(tx, ...)}). Do no remote calls here.
   *
   * @param tx the framework's open transaction; never commit, roll back or close it
   * @throws Exception classified by the {@link ErrorClassifier}; the writes are rolled back
   */
  void record(ConsumedEvent event, R result, Connection tx) throws Exception;
}
