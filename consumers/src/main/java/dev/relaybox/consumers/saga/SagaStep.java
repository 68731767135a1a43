package dev.relaybox.consumers.saga;

import dev.relaybox.consumers.ConsumedEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * One step of a {@link SagaDefinition}, built by {@link SagaDefinition.StepBuilder}. Immutable.
 *
 * @param <D> the saga's data
 */
public final class SagaStep<D> {

  private final String name;
  private final SagaAction<D> action;
  private final SagaAction<D> compensation;
  private final boolean local;
  private final Duration deadline;
  private final OnTimeout onTimeout;
  private final BiFunction<D, ConsumedEvent, D> onReply;

  SagaStep(
      String name,
      SagaAction<D> action,
      SagaAction<D> compensation,
      boolean local,
      Duration deadline,
      OnTimeout onTimeout,
      BiFunction<D, ConsumedEvent, D> onReply) {
    this.name = name;
    this.action = action;
    this.compensation = compensation;
    this.local = local;
    this.deadline = deadline;
    this.onTimeout = onTimeout;
    this.onReply = onReply;
  }

  /** The step's name, unique in its saga. */
  public String name() {
    return name;
  }

  /** What the step does; a step without one (only a compensation) completes at once. */
  public Optional<SagaAction<D>> action() {
    return Optional.ofNullable(action);
  }

  /** What undoes it; a step without one is skipped when compensating. */
  public Optional<SagaAction<D>> compensation() {
    return Optional.ofNullable(compensation);
  }

  /**
   * Whether the step completes (and its compensation completes) when its action's transaction
   * commits; otherwise it waits for a {@link SagaReply}.
   */
  public boolean local() {
    return local;
  }

  /** How long the step waits for its reply (and its compensation for its own); empty: forever. */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** What a due deadline does. */
  public OnTimeout onTimeout() {
    return onTimeout;
  }

  /** The saga's data after a successful reply {@code event} to this step's action. */
  public D dataAfterReply(D data, ConsumedEvent event) {
    return onReply == null ? data : onReply.apply(data, event);
  }
}
