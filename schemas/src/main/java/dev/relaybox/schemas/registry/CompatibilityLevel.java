package dev.relaybox.schemas.registry;

/** The registry's compatibility levels; {@link #BACKWARD} is its default. */
public enum CompatibilityLevel {
  NONE,
  BACKWARD,
  BACKWARD_TRANSITIVE,
  FORWARD,
  FORWARD_TRANSITIVE,
  FULL,
  FULL_TRANSITIVE
}
