package dev.relaybox.console.internal;

/** The consumer framework's retry and dead sets of a group, in its database. */
final class ParkedSets {
  static final String PARKED_KEYS = "_parked_keys";
  static final String RETRY_SET = "_retry_set";
  static final String DEAD_SET = "_dead_set";

  private ParkedSets() {}
}
