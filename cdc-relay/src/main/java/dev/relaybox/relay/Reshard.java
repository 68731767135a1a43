package dev.relaybox.relay;

import dev.relaybox.relay.internal.ReshardStart;
import java.sql.SQLException;

/**
 * Live resharding: moves an outbox from its relays' current {@code shard.count} to another while
 * writers keep committing (README, "Adding or removing a shard").
 */
public final class Reshard {
  private Reshard() {}

  /**
   * Creates the publications and slots of {@code toCount} shards, then commits the barrier that the
   * current shards (the layout of {@code current}) publish up to and the new ones publish from;
   * returns the barrier's id. Start the new shards' relays afterwards.
   *
   * @throws RelayException if a slot of the new layout exists already, or the relay is not
   *     exactly-once
   * @throws SQLException if Postgres fails
   */
  public static String start(RelayConfig current, int toCount) throws SQLException {
    return ReshardStart.start(current, toCount).id();
  }
}
