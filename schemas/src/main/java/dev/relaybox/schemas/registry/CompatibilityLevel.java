package dev.relaybox.schemas.registry;

import java.util.Locale;
import java.util.Optional;

/**
 * The registry's compatibility levels: which direction is checked, against which earlier versions.
 * {@link #BACKWARD} is the registry's default. The rules themselves are {@link
 * dev.relaybox.schemas.compat.Compatibility}, shared by the build gate and the dev registry.
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /** Whether the new schema must read data written with the old one(s). */
  public boolean backward() {
    return backward;
  }

  /** Whether the old schema(s) must read data written with the new one. */
  public boolean forward() {
    return forward;
  }

  /** Whether every earlier version is checked, not only the latest. */
  public boolean transitive() {
    return transitive;
  }

  /** Case-insensitive, as Confluent accepts {@code "full"} as well as {@code "FULL"}. */
  public static Optional<CompatibilityLevel> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
