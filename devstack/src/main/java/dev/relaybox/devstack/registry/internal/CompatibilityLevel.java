package dev.relaybox.devstack.registry.internal;

import java.util.Locale;
import java.util.Optional;

/** Confluent's compatibility levels: which direction is checked, against which versions. */
enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  /** The new schema must read data written with the old one(s). */
  final boolean backward;

  /** The old schema(s) must read data written with the new one. */
  final boolean forward;

  /** Checked against every live version instead of the latest only. */
  final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /** Case-insensitive, as Confluent accepts {@code "full"} as well as {@code "FULL"}. */
  static Optional<CompatibilityLevel> parse(String name) {
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
