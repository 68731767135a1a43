package dev.relaybox.devstack;

import java.util.Locale;
import java.util.function.BooleanSupplier;

/** How a {@link DevStack} provides its infrastructure. */
public enum StackMode {
  /** Everything from Maven artifacts, in this JVM or its child processes. Works without Docker. */
  EMBEDDED,
  /** Testcontainers: Postgres, {@code apache/kafka} and Confluent's schema registry images. */
  CONTAINERS;

  /**
   * System property choosing the mode: {@code auto} (default), {@code embedded}, {@code
   * containers}.
   */
  public static final String PROPERTY = "relaybox.devstack";

  /** Environment variable consulted when the system property is absent. */
  public static final String ENV = "RELAYBOX_DEVSTACK";

  /**
   * Resolves the requested mode.
   *
   * @param requested {@code null}, blank or {@code auto} to pick automatically; otherwise {@code
   *     embedded} or {@code containers} (case-insensitive)
   * @param dockerAvailable asked only in auto mode
   * @throws IllegalArgumentException for any other value
   */
  public static StackMode resolve(String requested, BooleanSupplier dockerAvailable) {
    String value = requested == null ? "" : requested.trim().toLowerCase(Locale.ROOT);
    switch (value) {
      case "":
      case "auto":
        return dockerAvailable.getAsBoolean() ? CONTAINERS : EMBEDDED;
      case "embedded":
        return EMBEDDED;
      case "containers":
      case "testcontainers":
        return CONTAINERS;
      default:
        throw new IllegalArgumentException(
            PROPERTY
                + "="
                + requested
                + " is not a devstack mode; use auto, embedded or containers");
    }
  }

  /** The mode requested by {@value #PROPERTY} or {@value #ENV}, or {@code null} for auto. */
  public static String requestedFromEnvironment() {
    String property = System.getProperty(PROPERTY);
    return property != null ? property : System.getenv(ENV);
  }
}
