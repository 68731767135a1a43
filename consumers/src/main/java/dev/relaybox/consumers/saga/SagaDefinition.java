package dev.relaybox.consumers.saga;

import dev.relaybox.consumers.ConsumedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * A saga defined in code: ordered steps, each with an action, an optional compensation and an
 * optional deadline. Steps run one after the other; when one fails (a failed reply, a permanent
 * error, retries exhausted, a timeout with {@link OnTimeout#COMPENSATE}) the compensations of the
 * completed steps run in reverse order. Immutable and thread-safe.
 *
 * <pre>{@code
 * SagaDefinition<Order> fulfil = SagaDefinition.builder("order-fulfilment", SagaDataCodec.json(Order.class))
 *     .step("charge")
 *         .action(s -> s.publish(chargeCommand(s.sagaId(), s.data())))
 *         .compensation(s -> s.publish(refundCommand(s.sagaId(), s.data())))
 *         .deadline(Duration.ofMinutes(2), OnTimeout.RETRY)
 *     .step("ship")
 *         .action(s -> s.publish(shipCommand(s.sagaId(), s.data())))
 *         .onReply((order, reply) -> order.withTracking(reply.value(Shipped.class).tracking()))
 *     .build();
 * }</pre>
 *
 * @param <D> the saga's data, stored with {@link #codec()}
 */
public final class SagaDefinition<D> {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9._-]{0,99}");

  private final String type;
  private final SagaDataCodec<D> codec;
  private final List<SagaStep<D>> steps;

  private SagaDefinition(String type, SagaDataCodec<D> codec, List<SagaStep<D>> steps) {
    this.type = type;
    this.codec = codec;
    this.steps = List.copyOf(steps);
  }

  /**
   * A builder for the saga type {@code type} ({@code [a-z][a-z0-9._-]*}, at most 100 characters),
   * whose data is stored with {@code codec}.
   */
  public static <D> Builder<D> builder(String type, SagaDataCodec<D> codec) {
    return new Builder<>(type, codec);
  }

  /** The saga type: the {@code saga_type} column, the {@code type} tag of the saga metrics. */
  public String type() {
    return type;
  }

  /** How the data is stored. */
  public SagaDataCodec<D> codec() {
    return codec;
  }

  /** The steps in order. */
  public List<SagaStep<D>> steps() {
    return steps;
  }

  /** The step named {@code name}, if any. */
  public Optional<SagaStep<D>> step(String name) {
    return steps.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The step after {@code name}; empty after the last. */
  public Optional<SagaStep<D>> next(String name) {
    for (int i = 0; i < steps.size() - 1; i++) {
      if (steps.get(i).name().equals(name)) {
        return Optional.of(steps.get(i + 1));
      }
    }
    return Optional.empty();
  }

  /** Configuration of a {@link SagaDefinition}; not thread-safe. */
  public static final class Builder<D> {
    private final String type;
    private final SagaDataCodec<D> codec;
    private final List<StepBuilder<D>> steps = new ArrayList<>();

    private Builder(String type, SagaDataCodec<D> codec) {
      this.type = type;
      this.codec = codec;
    }

    /** Adds the next step, named {@code name} ({@code [a-z][a-z0-9._-]*}, unique). */
    public StepBuilder<D> step(String name) {
      StepBuilder<D> step = new StepBuilder<>(this, name);
      steps.add(step);
      return step;
    }

    /**
     * Builds the definition.
     *
     * @throws IllegalArgumentException naming the property that is missing or wrong
     */
    public SagaDefinition<D> build() {
      if (type == null || !NAME.matcher(type).matches()) {
        throw new IllegalArgumentException(
            "saga type must match " + NAME.pattern() + ", got '" + type + "'");
      }
      Objects.requireNonNull(codec, "saga " + type + ": codec must not be null");
      if (steps.isEmpty()) {
        throw new IllegalArgumentException("saga " + type + ": add at least one step");
      }
      Set<String> names = new HashSet<>();
      List<SagaStep<D>> built = new ArrayList<>();
      for (StepBuilder<D> s : steps) {
        String where = "saga " + type + " step '" + s.name + "'";
        if (s.name == null || !NAME.matcher(s.name).matches()) {
          throw new IllegalArgumentException(where + ": name must match " + NAME.pattern());
        }
        if (!names.add(s.name)) {
          throw new IllegalArgumentException(where + ": name used twice");
        }
        if (s.action == null && s.compensation == null) {
          throw new IllegalArgumentException(where + ": give it an action or a compensation");
        }
        if (s.local && (s.deadline != null || s.onReply != null)) {
          throw new IllegalArgumentException(
              where + ": a local step waits for no reply, so it takes no deadline or onReply");
        }
        built.add(
            new SagaStep<>(
                s.name, s.action, s.compensation, s.local, s.deadline, s.onTimeout, s.onReply));
      }
      return new SagaDefinition<>(type, codec, built);
    }
  }

  /** Configuration of one step; {@link #step} and {@link #build} go back to the saga. */
  public static final class StepBuilder<D> {
    private final Builder<D> saga;
    private final String name;
    private SagaAction<D> action;
    private SagaAction<D> compensation;
    private boolean local;
    private Duration deadline;
    private OnTimeout onTimeout = OnTimeout.COMPENSATE;
    private BiFunction<D, ConsumedEvent, D> onReply;

    private StepBuilder(Builder<D> saga, String name) {
      this.saga = saga;
      this.name = name;
    }

    /** What the step does: typically publishes a command to a participant. */
    public StepBuilder<D> action(SagaAction<D> action) {
      this.action = Objects.requireNonNull(action, "action must not be null");
      return this;
    }

    /** What undoes the step; it must be idempotent (it may run more than once). */
    public StepBuilder<D> compensation(SagaAction<D> compensation) {
      this.compensation = Objects.requireNonNull(compensation, "compensation must not be null");
      return this;
    }

    /**
     * The step (and its compensation) completes when its transaction commits, without waiting for a
     * reply: for local writes and notifications. By default a step waits for a {@link SagaReply}.
     */
    public StepBuilder<D> local() {
      this.local = true;
      return this;
    }

    /**
     * How long the step (or its compensation) may wait for its reply, and what happens then.
     * Default: no deadline.
     */
    public StepBuilder<D> deadline(Duration deadline, OnTimeout onTimeout) {
      Objects.requireNonNull(deadline, "deadline must not be null");
      if (deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("step " + name + ": deadline must be positive");
      }
      this.deadline = deadline;
      this.onTimeout = Objects.requireNonNull(onTimeout, "onTimeout must not be null");
      return this;
    }

    /** Updates the saga's data from the successful reply to the step's action. */
    public StepBuilder<D> onReply(BiFunction<D, ConsumedEvent, D> onReply) {
      this.onReply = Objects.requireNonNull(onReply, "onReply must not be null");
      return this;
    }

    /** Adds the next step. */
    public StepBuilder<D> step(String name) {
      return saga.step(name);
    }

    /** Builds the saga. */
    public SagaDefinition<D> build() {
      return saga.build();
    }
  }
}
