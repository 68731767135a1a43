package dev.relaybox.consumers;

/**
 * What an event's death (a permanent failure, or transient failures past {@code maxAttempts}) does
 * to the later events of its key. Either way the event goes to the group's dead set and a copy to
 * its dead-letter topic.
 */
public enum DeadKeyPolicy {
  /**
   * The key stays parked behind its dead event: later events of that key wait in the retry set, in
   * order, until an operator redrives the dead event (it runs first, then the rest) or discards it
   * (the rest run). Per-key order holds even when something went wrong. The default.
   */
  PARK_KEY,

  /**
   * Later events of the key go on without it (the behaviour before key scheduling); a redrive
   * applies the dead event after them.
   */
  SKIP
}
