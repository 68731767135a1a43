package dev.relaybox.consumers.saga.internal;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.ErrorClassifier;
import dev.relaybox.consumers.saga.OnTimeout;
import dev.relaybox.consumers.saga.SagaAction;
import dev.relaybox.consumers.saga.SagaDefinition;
import dev.relaybox.consumers.saga.SagaReply;
import dev.relaybox.consumers.saga.SagaStatus;
import dev.relaybox.consumers.saga.SagaStep;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.IntToLongFunction;

/**
 * The state transitions of one saga definition, without a database: runs due actions through a
 * {@link StepRunner}, applies replies and deadlines, and leaves the row as it must be stored.
 * Thread-safe (stateless); each row belongs to one transaction at a time.
 *
 * @param <D> the saga's data
 */
public final class SagaMachine<D> {

  /** Runs one action or compensation; returns its failure (its writes undone) or null. */
  @FunctionalInterface
  public interface StepRunner<D> {
    Throwable run(SagaRow<D> row, SagaAction<D> action) throws SQLException;
  }

  private final SagaDefinition<D> definition;
  private final ErrorClassifier classifier;
  private final int maxAttempts;
  private final IntToLongFunction backoffMillis;

  public SagaMachine(
      SagaDefinition<D> definition,
      ErrorClassifier classifier,
      int maxAttempts,
      IntToLongFunction backoffMillis) {
    this.definition = definition;
    this.classifier = classifier;
    this.maxAttempts = maxAttempts;
    this.backoffMillis = backoffMillis;
  }

  public SagaDefinition<D> definition() {
    return definition;
  }

  /** Runs the pending action and every local step after it, until the saga waits or stops. */
  public void advance(SagaRow<D> row, StepRunner<D> runner) throws SQLException {
    while (row.pending == SagaRow.Pending.ACTION
        && (row.status == SagaStatus.RUNNING || row.status == SagaStatus.COMPENSATING)) {
      SagaStep<D> step = step(row);
      boolean compensating = row.status == SagaStatus.COMPENSATING;
      SagaAction<D> action = (compensating ? step.compensation() : step.action()).orElse(null);
      if (action == null) {
        finishStep(row, compensating);
        continue;
      }
      row.attempt++;
      Throwable failure = runner.run(row, action);
      if (failure == null) {
        if (step.local()) {
          finishStep(row, compensating);
        } else {
          row.awaitReply(step.deadline().map(Duration::toMillis).orElse(null));
        }
        continue;
      }
      row.lastError = describe(row, compensating, failure);
      if (classifier.classify(failure) == ErrorClassifier.Kind.TRANSIENT
          && row.attempt < maxAttempts) {
        row.awaitAction(backoffMillis.applyAsLong(row.attempt));
        return; // the poller runs it when due
      } else if (compensating) {
        row.park(row.lastError);
      } else {
        row.startCompensating(false);
      }
    }
  }

  /**
   * Applies {@code reply} if the saga waits for it (its step, its phase, an action that ran), then
   * advances.
   *
   * @return false if the reply was ignored: late, repeated, or for another step or phase
   */
  public boolean reply(SagaRow<D> row, SagaReply reply, ConsumedEvent event, StepRunner<D> runner)
      throws SQLException {
    boolean compensating = row.status == SagaStatus.COMPENSATING;
    if (!(row.status == SagaStatus.RUNNING || compensating)
        || reply.compensation() != compensating
        || !reply.step().equals(row.currentStep)
        || row.pending == SagaRow.Pending.NONE
        || row.attempt < 1) {
      return false;
    }
    SagaStep<D> step = step(row);
    if (step.local()) {
      return false;
    }
    if (reply.success()) {
      if (!compensating) {
        row.data = step.dataAfterReply(row.data, event);
      }
      finishStep(row, compensating);
    } else {
      String error = "step " + row.currentStep + ": " + reply.error();
      row.lastError = error;
      if (compensating) {
        row.park("compensation of " + error);
      } else {
        row.startCompensating(false);
      }
    }
    advance(row, runner);
    return true;
  }

  /** The awaited reply did not come by the deadline: retry, compensate or park, then advance. */
  public void deadlinePassed(SagaRow<D> row, StepRunner<D> runner) throws SQLException {
    if (row.pending != SagaRow.Pending.REPLY) {
      return;
    }
    SagaStep<D> step = step(row);
    boolean compensating = row.status == SagaStatus.COMPENSATING;
    String error =
        (compensating ? "compensation of step " : "step ")
            + row.currentStep
            + ": no reply within "
            + step.deadline().map(Duration::toString).orElse("its deadline")
            + " (attempt "
            + row.attempt
            + ")";
    row.lastError = error;
    if (compensating) {
      if (row.attempt < maxAttempts) {
        row.awaitAction(0);
      } else {
        row.park(error);
      }
    } else if (step.onTimeout() == OnTimeout.PARK) {
      row.park(error);
    } else if (step.onTimeout() == OnTimeout.RETRY && row.attempt < maxAttempts) {
      row.awaitAction(0);
    } else {
      row.startCompensating(true);
    }
    advance(row, runner);
  }

  private void finishStep(SagaRow<D> row, boolean compensating) {
    if (compensating) {
      row.compensateStep();
    } else {
      row.completeStep(definition.next(row.currentStep).map(SagaStep::name));
    }
  }

  private SagaStep<D> step(SagaRow<D> row) {
    return definition
        .step(row.currentStep)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "saga "
                        + row.type
                        + "/"
                        + row.sagaId
                        + " is at step '"
                        + row.currentStep
                        + "', which the deployed definition does not have: deploy a definition"
                        + " that keeps the step, or compensate the saga by hand"));
  }

  private static String describe(SagaRow<?> row, boolean compensating, Throwable failure) {
    String message = failure.getMessage() == null ? "" : ": " + failure.getMessage();
    if (message.length() > 1000) {
      message = message.substring(0, 1000);
    }
    return (compensating ? "compensation of step " : "step ")
        + row.currentStep
        + " attempt "
        + row.attempt
        + ": "
        + failure.getClass().getName()
        + message;
  }
}
