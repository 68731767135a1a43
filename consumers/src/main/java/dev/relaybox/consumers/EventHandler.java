package dev.relaybox.consumers;

import java.sql.Connection;

/**
 * A handler whose whole effect is database writes: it runs inside the transaction in which the
 * framework records the event id in the processed-keys table, so the effect and the key commit
 * together or not at all.
 *
 * <p>For effects that call a third party (payment gateway, mail server) use {@link
 * TwoPhaseEventHandler}: never call a remote service from here, because the transaction holds row
 * locks for as long as the call takes.
 *
 * <p>Called from the runner's worker threads, concurrently for different keys (up to the runner's
 * {@code maxInFlight}), so it must be thread-safe; the events of one key are handled one at a time,
 * in offset order. Each call holds a pooled connection for its transaction.
 */
@FunctionalInterface
public interface EventHandler {

  /**
   * Applies the event's effect with {@code tx}.
   *
   * @param event the decoded event; never null
   * @param tx the framework's open transaction (auto-commit off, possibly inside a savepoint); use
   *     it for every write, never commit, roll back or close it; events of other keys handled by
   *     the same worker may share it
   * @throws Exception to reject the event: the framework rolls back this event's writes and asks
   *     the {@link ErrorClassifier} whether to park its key and retry ({@link
   *     RetryableEventException}) or move it to the dead set ({@link PermanentEventException})
   */
  void handle(ConsumedEvent event, Connection tx) throws Exception;
}
