package dev.relaybox.consumers.saga;

import java.util.Objects;

/**
 * A participant's answer to a step's command, as a saga's reply mapper reads it from a consumed
 * event. A reply moves its saga only if the saga is at that step in that phase; any other (late,
 * repeated, for another phase) is ignored, so a reply never advances a saga twice.
 *
 * @param sagaId the saga the reply is for
 * @param step the step whose command it answers
 * @param compensation whether it answers the step's compensation rather than its action
 * @param success whether the participant did it
 * @param error why not, when it failed (stored as the saga's last error); null on success
 */
public record SagaReply(
    String sagaId, String step, boolean compensation, boolean success, String error) {

  /** Checks the fields. */
  public SagaReply {
    Objects.requireNonNull(sagaId, "sagaId must not be null");
    Objects.requireNonNull(step, "step must not be null");
    if (!success && (error == null || error.isBlank())) {
      throw new IllegalArgumentException("a failed reply needs an error saying why");
    }
  }

  /** The step's action succeeded: the saga goes on with its next step. */
  public static SagaReply succeeded(String sagaId, String step) {
    return new SagaReply(sagaId, step, false, true, null);
  }

  /** The step's action failed: the saga compensates its completed steps, last first. */
  public static SagaReply failed(String sagaId, String step, String error) {
    return new SagaReply(sagaId, step, false, false, error);
  }

  /** The step's compensation succeeded: the saga compensates the step before it. */
  public static SagaReply compensated(String sagaId, String step) {
    return new SagaReply(sagaId, step, true, true, null);
  }

  /** The step's compensation failed: the saga is parked for an operator. */
  public static SagaReply compensationFailed(String sagaId, String step, String error) {
    return new SagaReply(sagaId, step, true, false, error);
  }
}
