package dev.relaybox.console.internal;

import dev.relaybox.consumers.DeadSet;
import java.sql.SQLException;

/**
 * {@link DeadActions} through the consumer framework's dead-set API ({@link DeadSet}): each action
 * is one transaction under the key's lock that records who and when; a running consumer notices it
 * within a second.
 */
final class FrameworkDeadActions implements DeadActions {

  @Override
  public void redrive(Sources.Group group, long id, String actor) throws SQLException {
    deadSet(group).redrive(group.name(), id, actor);
  }

  @Override
  public void discard(Sources.Group group, long id, String actor) throws SQLException {
    deadSet(group).discard(group.name(), id, actor);
  }

  private static DeadSet deadSet(Sources.Group group) {
    return DeadSet.of(group.db(), group.schema(), group.table());
  }
}
