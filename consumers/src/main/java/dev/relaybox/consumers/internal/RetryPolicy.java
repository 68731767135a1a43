package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.DeadKeyPolicy;
import java.time.Duration;
import java.util.Objects;

/** How often and how patiently a failing event is retried, and what its death does to its key. */
public record RetryPolicy(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, DeadKeyPolicy deadKeyPolicy) {

  public RetryPolicy {
    Checks.requireAtLeast(maxAttempts, 1, "maxAttempts");
    Checks.requirePositive(initialBackoff, "initialBackoff");
    Checks.requirePositive(maxBackoff, "maxBackoff");
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff ("
              + maxBackoff
              + ") must not be less than initialBackoff ("
              + initialBackoff
              + ")");
    }
    Objects.requireNonNull(deadKeyPolicy, "deadKeyPolicy must not be null");
  }

  /** Whether a dead event keeps the later events of its key waiting. */
  boolean deadBlocksKey() {
    return deadKeyPolicy == DeadKeyPolicy.PARK_KEY;
  }
}
