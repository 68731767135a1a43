package dev.relaybox.consumers;

import dev.relaybox.consumers.internal.JdbcDeadSet;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The operator's view of the groups' dead sets, the table {@code <processed-keys table>_dead_set}
 * next to the processed keys: list, show, redrive and discard dead events. Every redrive and
 * discard is one transaction that records who did it and when; a running runner notices within a
 * second. {@code relaybox dlq} is this API on the command line. Thread-safe.
 *
 * <pre>{@code
 * DeadSet dead = DeadSet.of(dataSource, "public", "processed_keys");
 * for (DeadEvent e : dead.list("payments", DeadEvent.State.DEAD, null, 100)) { ... }
 * dead.redrive("payments", 42, "alice@ops");   // after the fix: runs again, first of its key
 * }</pre>
 */
public interface DeadSet {

  /**
   * The dead sets next to the processed-keys table {@code schema.processedKeysTable} (created by
   * the runners' migration).
   *
   * @throws IllegalArgumentException if a name is not a lower-case SQL identifier
   */
  static DeadSet of(DataSource dataSource, String schema, String processedKeysTable) {
    return new JdbcDeadSet(dataSource, schema, processedKeysTable);
  }

  /**
   * The group's dead events, oldest first.
   *
   * @param state only those in this state; null for all
   * @param reason only those with this reason; null for all
   * @param limit at most this many (at least 1)
   * @throws java.sql.SQLException if the database fails
   */
  List<DeadEvent> list(String group, DeadEvent.State state, String reason, int limit)
      throws java.sql.SQLException;

  /** One dead event of the group by id. */
  Optional<DeadEvent> find(String group, long id) throws java.sql.SQLException;

  /**
   * Puts a {@link DeadEvent.State#DEAD} event back at the head of its key with fresh attempts: it
   * runs again before the key's later events, which wait behind it in the retry set (with {@link
   * DeadKeyPolicy#SKIP} the key parks again until it succeeds).
   *
   * @param actor who does it, recorded with the time, e.g. {@code alice@ops-host}
   * @return the event as redriven
   * @throws IllegalArgumentException if the group has no dead event with that id
   * @throws IllegalStateException if it was redriven or discarded already (the message says by
   *     whom)
   */
  DeadEvent redrive(String group, long id, String actor) throws java.sql.SQLException;

  /**
   * Gives up on a {@link DeadEvent.State#DEAD} event for good: its key's later events go on.
   *
   * @throws IllegalArgumentException if the group has no dead event with that id
   * @throws IllegalStateException if it was redriven or discarded already
   */
  DeadEvent discard(String group, long id, String actor) throws java.sql.SQLException;
}
