package dev.relaybox.devstack.peers;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A fault an HTTP peer injects into its API requests ({@code /v1/...}); the test endpoints ({@code
 * /_...}) are never faulted.
 *
 * <ul>
 *   <li>{@link Mode#CRASH}: 500 {@code {"error":"injected_crash"}}, no effect applied, nothing
 *       remembered under the idempotency key;
 *   <li>{@link Mode#SLOW}: the effect is applied, then the response waits {@link #delay()}, as a
 *       real overloaded server does (a client that times out must retry with the same key);
 *   <li>{@link Mode#THROTTLE}: 429 with {@code Retry-After: retryAfterSeconds}, no effect applied.
 * </ul>
 *
 * <p>Immutable. Create with {@link #none()}, {@link #crash()}, {@link #slow(Duration)} or {@link
 * #throttle(int)}, then refine with {@link #withFailRate(double)} and {@link
 * #lastingFor(Duration)}.
 *
 * @param mode what to inject; never null
 * @param delay how long a {@code SLOW} response waits; positive for {@code SLOW}, zero otherwise
 * @param failRate the probability, in {@code [0, 1]}, that one request is faulted; default 1
 * @param retryAfterSeconds the {@code Retry-After} of a {@code THROTTLE} response; default 1
 * @param duration how long the fault lasts before it clears itself; null = until replaced
 */
public record Fault(
    Mode mode, Duration delay, double failRate, int retryAfterSeconds, Duration duration) {

  /** The kinds of fault; on the wire their lower-case names ({@code "crash"}). */
  public enum Mode {
    NONE,
    CRASH,
    SLOW,
    THROTTLE;

    /** The wire name, e.g. {@code "slow"}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name.
     *
     * @throws IllegalArgumentException naming the accepted values when {@code name} is unknown
     */
    public static Mode fromWireName(String name) {
      for (Mode mode : values()) {
        if (mode.wireName().equals(name)) {
          return mode;
        }
      }
      throw new IllegalArgumentException(
          "fault mode '" + name + "' is unknown: use none, crash, slow or throttle");
    }
  }

  /** Validates every property and names the bad one. */
  public Fault {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(delay, "delay");
    if (mode == Mode.SLOW && (delay.isNegative() || delay.isZero())) {
      throw new IllegalArgumentException("delay must be positive for a slow fault, was " + delay);
    }
    if (mode != Mode.SLOW && !delay.isZero()) {
      throw new IllegalArgumentException("delay applies to slow faults only, was " + delay);
    }
    if (!(failRate >= 0 && failRate <= 1)) {
      throw new IllegalArgumentException("failRate must be within [0, 1], was " + failRate);
    }
    if (retryAfterSeconds < 0) {
      throw new IllegalArgumentException(
          "retryAfterSeconds must not be negative, was " + retryAfterSeconds);
    }
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      throw new IllegalArgumentException("duration must be positive or null, was " + duration);
    }
  }

  /** No fault: every request is served normally. */
  public static Fault none() {
    return new Fault(Mode.NONE, Duration.ZERO, 1, 1, null);
  }

  /** Every request fails with 500 and has no effect. */
  public static Fault crash() {
    return new Fault(Mode.CRASH, Duration.ZERO, 1, 1, null);
  }

  /** Every request takes effect, then its response waits {@code delay}. */
  public static Fault slow(Duration delay) {
    return new Fault(Mode.SLOW, delay, 1, 1, null);
  }

  /** Every request is refused with 429 and {@code Retry-After: retryAfterSeconds}. */
  public static Fault throttle(int retryAfterSeconds) {
    return new Fault(Mode.THROTTLE, Duration.ZERO, 1, retryAfterSeconds, null);
  }

  /** This fault hitting each request with probability {@code failRate}. */
  public Fault withFailRate(double failRate) {
    return new Fault(mode, delay, failRate, retryAfterSeconds, duration);
  }

  /** This fault clearing itself {@code duration} after it is set. */
  public Fault lastingFor(Duration duration) {
    return new Fault(mode, delay, failRate, retryAfterSeconds, duration);
  }
}
