package dev.relaybox.consumers.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with "equal jitter": half the delay fixed, half random. */
public final class Backoff {

  private final long initialMillis;
  private final long maxMillis;

  public Backoff(Duration initial, Duration max) {
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
  }

  /** Delay after the {@code failures}-th consecutive failure (1-based). */
  public long delayMillis(int failures) {
    int doublings = Math.min(Math.max(failures - 1, 0), 30);
    long ceiling = Math.min(maxMillis, initialMillis << doublings);
    if (ceiling < 0) {
      ceiling = maxMillis;
    }
    long half = ceiling / 2;
    return ceiling - ThreadLocalRandom.current().nextLong(half + 1);
  }
}
