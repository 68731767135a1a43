package dev.relaybox.consumers.saga;

/** Where a saga is; the {@code status} column of the saga table. */
public enum SagaStatus {
  /** Running its steps forward. */
  RUNNING,
  /** Running the compensations of its completed steps, last first. */
  COMPENSATING,
  /** Every step completed (final). */
  COMPLETED,
  /** Every completed step compensated (final). */
  COMPENSATED,
  /**
   * Stopped until an operator acts ({@code relaybox sagas retry|compensate}): a compensation failed
   * for good, or a step timed out with {@link OnTimeout#PARK}. Never lost, never moved by itself.
   */
  PARKED;

  /** Whether the saga will never move again. */
  public boolean isFinal() {
    return this == COMPLETED || this == COMPENSATED;
  }
}
