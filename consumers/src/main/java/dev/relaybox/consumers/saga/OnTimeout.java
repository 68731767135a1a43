package dev.relaybox.consumers.saga;

/** What a step does when its reply has not arrived by its deadline. */
public enum OnTimeout {
  /**
   * Runs the step's action again (the participant must be idempotent), up to the saga's {@code
   * maxAttempts}; then compensates as {@link #COMPENSATE}.
   */
  RETRY,
  /**
   * Compensates, starting with the timed-out step itself: its action may have taken effect, so its
   * (idempotent) compensation runs too, then those of the completed steps, last first.
   */
  COMPENSATE,
  /** Parks the saga for an operator. */
  PARK
}
