package dev.relaybox.outbox;

/** What happens to an outbox row after the relay no longer needs it. */
public enum CleanupMode {
  /**
   * The default: the row is inserted and deleted again in the caller's transaction. The WAL still
   * carries the insert, which is all the relay reads (its publication carries inserts only), and
   * the table stays empty, so nothing needs sweeping. Events cannot be republished from the table.
   */
  DELETE_AFTER_INSERT,

  /**
   * The row stays until an {@link OutboxSweeper} deletes it after a retention period, so events can
   * be republished (e.g. after a broker loses data). Costs table and index space; run the sweeper.
   */
  RETAIN
}
