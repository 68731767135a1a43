package dev.relaybox.consumers.app.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/** Builder validations shared by the services; messages name the property. */
public final class Checks {

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private Checks() {}

  /**
   * Returns {@code value} if it is a lower-case SQL identifier, safe to put in quotes in SQL.
   *
   * @throws NullPointerException naming the property when null
   * @throws IllegalArgumentException naming the property when not an identifier
   */
  public static String requireIdentifier(String property, String value) {
    Objects.requireNonNull(value, () -> property + " must not be null");
    if (!IDENTIFIER.matcher(value).matches()) {
      throw new IllegalArgumentException(
          property
              + " '"
              + value
              + "' is not a valid SQL identifier: use lower-case letters, digits and '_', not"
              + " starting with a digit, at most 63 characters");
    }
    return value;
  }

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
