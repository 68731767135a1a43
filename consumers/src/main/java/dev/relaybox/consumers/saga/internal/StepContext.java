package dev.relaybox.consumers.saga.internal;

import dev.relaybox.consumers.saga.SagaAction;
import dev.relaybox.consumers.saga.SagaContext;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.UUID;

/** An action's view of its saga, bound to the transaction that will store the saga's move. */
final class StepContext<D> implements SagaContext<D> {

  private final SagaRow<D> row;
  private final Connection tx;
  private final Outbox outbox;
  private D data;

  private StepContext(SagaRow<D> row, Connection tx, Outbox outbox) {
    this.row = row;
    this.tx = tx;
    this.outbox = outbox;
    this.data = row.data;
  }

  /**
   * A runner for {@code tx}: each action under a savepoint, so that a failed action leaves no
   * writes (and no published commands) behind while the saga's move is still stored.
   */
  static <D> SagaMachine.StepRunner<D> runner(Connection tx, Outbox outbox) {
    return (row, action) -> run(row, action, tx, outbox);
  }

  private static <D> Throwable run(
      SagaRow<D> row, SagaAction<D> action, Connection tx, Outbox outbox) throws SQLException {
    Savepoint savepoint = tx.setSavepoint();
    StepContext<D> context = new StepContext<>(row, tx, outbox);
    try {
      action.run(context);
    } catch (Exception e) {
      tx.rollback(savepoint);
      return e;
    }
    tx.releaseSavepoint(savepoint);
    row.data = context.data;
    return null;
  }

  @Override
  public String type() {
    return row.type;
  }

  @Override
  public String sagaId() {
    return row.sagaId;
  }

  @Override
  public String step() {
    return row.currentStep;
  }

  @Override
  public int attempt() {
    return row.attempt;
  }

  @Override
  public D data() {
    return data;
  }

  @Override
  public void data(D data) {
    this.data = data;
  }

  @Override
  public UUID publish(OutboxEvent event) throws SQLException {
    return outbox.publish(tx, event);
  }

  @Override
  public Connection tx() {
    return tx;
  }
}
