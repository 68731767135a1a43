package dev.relaybox.consumers.saga.internal;

import dev.relaybox.config.SqlIdentifier;
import dev.relaybox.consumers.internal.ProcessedKeySettings;
import dev.relaybox.consumers.saga.SagaAdmin;
import dev.relaybox.consumers.saga.SagaState;
import dev.relaybox.consumers.saga.SagaStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link SagaAdmin} on the saga table: each action one transaction on the locked row. */
public final class JdbcSagaAdmin implements SagaAdmin {

  private static final Logger log = LoggerFactory.getLogger(JdbcSagaAdmin.class);
  private static final int MAX_LIST = 10_000;

  private final DataSource dataSource;
  private final SagaTable table;

  public JdbcSagaAdmin(DataSource dataSource, String schema, String processedKeysTable) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
    SqlIdentifier.requireSchema("schema", schema);
    SqlIdentifier.require(
        "processedKeysTable", processedKeysTable, ProcessedKeySettings.MAX_TABLE_LENGTH);
    this.table = new SagaTable(schema, processedKeysTable);
  }

  @Override
  public List<SagaState> list(String type, SagaStatus status, Duration stuckFor, int limit)
      throws SQLException {
    if (limit < 1 || limit > MAX_LIST) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIST + ", got " + limit);
    }
    if (stuckFor != null && stuckFor.isNegative()) {
      throw new IllegalArgumentException("stuckFor must not be negative");
    }
    try (Connection c = dataSource.getConnection()) {
      return table.list(c, type, status, stuckFor, limit);
    }
  }

  @Override
  public Optional<SagaState> find(String type, String sagaId) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return table.find(c, type, sagaId).map(SagaTable.Loaded::state);
    }
  }

  @Override
  public SagaState retry(String type, String sagaId, String actor) throws SQLException {
    return act(type, sagaId, "retry by " + actor(actor), SagaRow::retryNow);
  }

  @Override
  public SagaState compensate(String type, String sagaId, String actor) throws SQLException {
    return act(type, sagaId, "compensate by " + actor(actor), SagaRow::compensateNow);
  }

  private SagaState act(String type, String sagaId, String note, Consumer<SagaRow<byte[]>> action)
      throws SQLException {
    try (Connection tx = dataSource.getConnection()) {
      tx.setAutoCommit(false);
      try {
        SagaRow<byte[]> row =
            table
                .lock(tx, type, sagaId)
                .orElseThrow(() -> new IllegalArgumentException("no saga " + type + "/" + sagaId))
                .row();
        action.accept(row);
        table.update(tx, row, note);
        SagaState state = table.find(tx, type, sagaId).orElseThrow().state();
        tx.commit();
        log.info(
            "saga {}/{}: {}; now {} at step {}",
            type,
            sagaId,
            note,
            state.status(),
            state.currentStep());
        return state;
      } catch (SQLException | RuntimeException e) {
        tx.rollback();
        throw e;
      }
    }
  }

  private static String actor(String actor) {
    if (actor == null || actor.isBlank() || actor.length() > 200) {
      throw new IllegalArgumentException("actor must be 1 to 200 characters, e.g. alice@ops");
    }
    return actor;
  }
}
