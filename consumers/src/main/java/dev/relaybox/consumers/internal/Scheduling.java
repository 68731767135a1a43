package dev.relaybox.consumers.internal;

/**
 * How much the runner does at once: events handled concurrently (never two of one key), and the
 * group-wide bounds on parked keys and events beyond which it stops taking new records.
 */
public record Scheduling(int maxInFlight, int maxParkedKeys, int maxParkedEvents) {

  public Scheduling {
    Checks.requireAtLeast(maxInFlight, 1, "maxInFlight");
    if (maxInFlight > 10_000) {
      throw new IllegalArgumentException(
          "maxInFlight must be at most 10000 (one thread each), was " + maxInFlight);
    }
    Checks.requireAtLeast(maxParkedKeys, 1, "maxParkedKeys");
    Checks.requireAtLeast(maxParkedEvents, 1, "maxParkedEvents");
  }
}
