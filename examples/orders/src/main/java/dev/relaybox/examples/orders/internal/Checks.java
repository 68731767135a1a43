package dev.relaybox.examples.orders.internal;

import java.time.Duration;
import java.util.Objects;

/** Builder validations shared by the services; messages name the property. */
public final class Checks {

  private Checks() {}

  /** Returns {@code value} if it is positive. */
  public static Duration requirePositive(String property, Duration value) {
    Objects.requireNonNull(value, () -> property + " must not be null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(property + " must be positive, was " + value);
    }
    return value;
  }

  /** Returns {@code value} if it is not null or blank. */
  public static String requireText(String property, String value) {
    Objects.requireNonNull(value, () -> property + " must not be null");
    if (value.isBlank()) {
      throw new IllegalArgumentException(property + " must not be blank");
    }
    return value;
  }
}
