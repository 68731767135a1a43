package dev.relaybox.consumers.saga.internal;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.ErrorClassifier;
import dev.relaybox.consumers.saga.SagaContext;
import dev.relaybox.consumers.saga.SagaDefinition;
import dev.relaybox.consumers.saga.SagaReply;
import dev.relaybox.consumers.saga.SagaStatus;
import dev.relaybox.outbox.OutboxEvent;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One saga of a definition driven by the real {@link SagaMachine} in memory, without a database:
 * for unit tests of a saga definition (in this module's test-jar). Actions see a {@link
 * SagaContext} whose {@code publish} records the event and whose {@code tx()} is null; data goes
 * through the definition's codec, as the table stores it. Not thread-safe.
 *
 * @param <D> the saga's data
 */
public final class InMemorySaga<D> {

  private final SagaMachine<D> machine;
  private final SagaRow<D> row;
  private final List<OutboxEvent> published = new ArrayList<>();

  private InMemorySaga(SagaDefinition<D> definition, int maxAttempts, String sagaId, D data) {
    this.machine =
        new SagaMachine<>(definition, ErrorClassifier.defaults(), maxAttempts, attempt -> 0L);
    this.row = SagaRow.started(definition.type(), sagaId, definition.steps().get(0).name(), data);
  }

  /**
   * Begins saga {@code sagaId} with {@code data}: runs its first actions, as {@code begin} does.
   */
  public static <D> InMemorySaga<D> begin(
      SagaDefinition<D> definition, int maxAttempts, String sagaId, D data) throws Exception {
    InMemorySaga<D> saga = new InMemorySaga<>(definition, maxAttempts, sagaId, data);
    saga.machine.advance(saga.row, saga.runner());
    return saga;
  }

  /**
   * Applies {@code reply} (read from {@code event}, which {@code onReply} sees) as the reply
   * handler does; false if the saga ignored it.
   */
  public boolean reply(SagaReply reply, ConsumedEvent event) throws Exception {
    return machine.reply(row, reply, event, runner());
  }

  /** The awaited reply's deadline passes, as the poller finds it. */
  public void deadlinePassed() throws Exception {
    machine.deadlinePassed(row, runner());
  }

  /** A transient failure's retry becomes due, as the poller finds it. */
  public void retryDue() throws Exception {
    machine.advance(row, runner());
  }

  /** Every event the actions published so far, oldest first. */
  public List<OutboxEvent> published() {
    return List.copyOf(published);
  }

  /** Forgets the events published so far (to look at the next ones). */
  public List<OutboxEvent> drain() {
    List<OutboxEvent> events = List.copyOf(published);
    published.clear();
    return events;
  }

  public SagaStatus status() {
    return row.status;
  }

  public String currentStep() {
    return row.currentStep;
  }

  public List<String> completedSteps() {
    return List.copyOf(row.completed);
  }

  public List<String> compensatedSteps() {
    return List.copyOf(row.compensated);
  }

  public D data() {
    return row.data;
  }

  public String lastError() {
    return row.lastError;
  }

  /** The deadline of the awaited reply in ms, null when none or not waiting for a reply. */
  public Long deadlineMillis() {
    return row.pending == SagaRow.Pending.REPLY ? row.deadlineDelayMillis : null;
  }

  private SagaMachine.StepRunner<D> runner() {
    SagaDefinition<D> definition = machine.definition();
    return (r, action) -> {
      List<OutboxEvent> sent = new ArrayList<>();
      // Stored and read back through the codec, as the saga table does.
      D[] data = array(definition.codec().decode(definition.codec().encode(r.data)));
      SagaContext<D> context =
          new SagaContext<>() {
            @Override
            public String type() {
              return r.type;
            }

            @Override
            public String sagaId() {
              return r.sagaId;
            }

            @Override
            public String step() {
              return r.currentStep;
            }

            @Override
            public int attempt() {
              return r.attempt;
            }

            @Override
            public D data() {
              return data[0];
            }

            @Override
            public void data(D newData) {
              data[0] = newData;
            }

            @Override
            public UUID publish(OutboxEvent event) {
              sent.add(event);
              return event.id();
            }

            @Override
            public Connection tx() {
              return null;
            }
          };
      try {
        action.run(context);
      } catch (Exception e) {
        return e; // like the savepoint: nothing it published stays
      }
      published.addAll(sent);
      r.data = data[0];
      return null;
    };
  }

  @SuppressWarnings("unchecked")
  private static <D> D[] array(D value) {
    Object[] one = {value};
    return (D[]) one;
  }
}
