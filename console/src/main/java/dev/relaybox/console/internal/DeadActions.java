package dev.relaybox.console.internal;

import java.sql.SQLException;

/**
 * The actions on a group's dead events, carried out by the consumer framework's dead-set API: each
 * is one transaction that records who did it and when, and a redrive puts the event back at the
 * head of its key, where the processed keys keep it from applying twice.
 */
interface DeadActions {

  /**
   * Runs dead event {@code id} of {@code group} again, first of its key.
   *
   * @throws IllegalArgumentException if the group has no such dead event
   * @throws IllegalStateException if it was redriven or discarded already
   */
  void redrive(Sources.Group group, long id, String actor) throws SQLException;

  /**
   * Gives up on dead event {@code id} for good; its key's later events go on.
   *
   * @throws IllegalArgumentException if the group has no such dead event
   * @throws IllegalStateException if it was redriven or discarded already
   */
  void discard(Sources.Group group, long id, String actor) throws SQLException;
}
