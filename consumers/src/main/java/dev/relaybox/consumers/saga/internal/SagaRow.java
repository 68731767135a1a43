package dev.relaybox.consumers.saga.internal;

import dev.relaybox.consumers.saga.SagaStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A saga's row while one transaction holds its lock, and the moves that every writer (the engine,
 * the operators) makes the same way. Not thread-safe; times are delays from the database's now.
 *
 * @param <D> the data: decoded by the engine, raw bytes for operators
 */
public final class SagaRow<D> {

  /** What the saga waits for. */
  public enum Pending {
    /** The current step's action (or compensation) runs at {@code next_attempt_at}. */
    ACTION,
    /** The current step's reply, until {@code deadline_at}. */
    REPLY,
    /** Nothing: final or parked. */
    NONE
  }

  final String type;
  final String sagaId;
  SagaStatus status;
  SagaStatus parkedFrom;
  String currentStep;
  Pending pending;
  final List<String> completed;
  final List<String> compensated;
  int attempt;
  D data;
  String lastError;

  /** When the pending action runs, in ms from now ({@link Pending#ACTION}). */
  long nextAttemptDelayMillis;

  /** When the awaited reply times out, in ms from now; null for never ({@link Pending#REPLY}). */
  Long deadlineDelayMillis;

  SagaRow(
      String type,
      String sagaId,
      SagaStatus status,
      SagaStatus parkedFrom,
      String currentStep,
      Pending pending,
      List<String> completed,
      List<String> compensated,
      int attempt,
      D data,
      String lastError) {
    this.type = type;
    this.sagaId = sagaId;
    this.status = status;
    this.parkedFrom = parkedFrom;
    this.currentStep = currentStep;
    this.pending = pending;
    this.completed = new ArrayList<>(completed);
    this.compensated = new ArrayList<>(compensated);
    this.attempt = attempt;
    this.data = data;
    this.lastError = lastError;
  }

  /** A new saga about to run its first step. */
  static <D> SagaRow<D> started(String type, String sagaId, String firstStep, D data) {
    return new SagaRow<>(
        type,
        sagaId,
        SagaStatus.RUNNING,
        null,
        firstStep,
        Pending.ACTION,
        List.of(),
        List.of(),
        0,
        data,
        null);
  }

  /** The same row holding other data (decoded or encoded). */
  <E> SagaRow<E> withData(E other) {
    SagaRow<E> row =
        new SagaRow<>(
            type,
            sagaId,
            status,
            parkedFrom,
            currentStep,
            pending,
            completed,
            compensated,
            attempt,
            other,
            lastError);
    row.nextAttemptDelayMillis = nextAttemptDelayMillis;
    row.deadlineDelayMillis = deadlineDelayMillis;
    return row;
  }

  void awaitAction(long delayMillis) {
    pending = Pending.ACTION;
    nextAttemptDelayMillis = delayMillis;
    deadlineDelayMillis = null;
  }

  void awaitReply(Long deadlineMillis) {
    pending = Pending.REPLY;
    deadlineDelayMillis = deadlineMillis;
  }

  void stop(SagaStatus finalOrParked) {
    status = finalOrParked;
    pending = Pending.NONE;
    deadlineDelayMillis = null;
  }

  /** The current step is done: the next one runs now, or the saga is complete. */
  void completeStep(Optional<String> nextStep) {
    completed.add(currentStep);
    attempt = 0;
    if (nextStep.isPresent()) {
      currentStep = nextStep.get();
      awaitAction(0);
    } else {
      stop(SagaStatus.COMPLETED);
    }
  }

  /** The current step is compensated: the completed step before it is next, or none is left. */
  void compensateStep() {
    if (!compensated.contains(currentStep)) {
      compensated.add(currentStep);
    }
    compensateNext();
  }

  /**
   * Starts compensating. {@code includeCurrent}: the current step's action may have taken effect
   * (it timed out, or an operator says so), so its compensation runs first.
   */
  void startCompensating(boolean includeCurrent) {
    status = SagaStatus.COMPENSATING;
    parkedFrom = null;
    attempt = 0;
    if (includeCurrent && !compensated.contains(currentStep)) {
      awaitAction(0);
    } else {
      compensateNext();
    }
  }

  private void compensateNext() {
    attempt = 0;
    for (int i = completed.size() - 1; i >= 0; i--) {
      String step = completed.get(i);
      if (!compensated.contains(step)) {
        currentStep = step;
        awaitAction(0);
        return;
      }
    }
    stop(SagaStatus.COMPENSATED);
  }

  /** Stops for an operator, remembering which way it was going. */
  void park(String error) {
    parkedFrom = status == SagaStatus.PARKED ? parkedFrom : status;
    lastError = error;
    stop(SagaStatus.PARKED);
  }

  /**
   * Operator: runs the current action (or compensation) again now with fresh attempts; a parked
   * saga goes back the way it was going.
   *
   * @throws IllegalStateException for a final saga
   */
  void retryNow() {
    if (status.isFinal()) {
      throw new IllegalStateException(
          "saga " + type + "/" + sagaId + " is " + status + ": nothing to retry");
    }
    if (status == SagaStatus.PARKED) {
      status = parkedFrom == null ? SagaStatus.RUNNING : parkedFrom;
      parkedFrom = null;
    }
    attempt = 0;
    awaitAction(0);
  }

  /**
   * Operator: compensates a running or parked saga now. The current step is compensated too if its
   * action ran (its effect may exist; compensations are idempotent).
   *
   * @throws IllegalStateException for a final or already compensating saga
   */
  void compensateNow() {
    boolean wasCompensating =
        status == SagaStatus.COMPENSATING
            || status == SagaStatus.PARKED && parkedFrom == SagaStatus.COMPENSATING;
    if (status.isFinal() || wasCompensating) {
      throw new IllegalStateException(
          "saga "
              + type
              + "/"
              + sagaId
              + " is "
              + status
              + (wasCompensating && !status.isFinal() ? " (compensating): use retry" : ""));
    }
    boolean ran = attempt >= 1 || pending == Pending.REPLY;
    startCompensating(ran);
  }
}
