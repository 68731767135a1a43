package dev.relaybox.consumers.saga;

import dev.relaybox.consumers.saga.internal.JdbcSagaAdmin;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The operator's view of the saga table {@code <processed-keys table>_sagas}: list, show, retry and
 * compensate sagas, without their definitions. Each action is one transaction on the saga's locked
 * row; the services' {@link Sagas} poller runs what it made due within its poll interval. {@code
 * relaybox sagas} is this API on the command line. Thread-safe.
 */
public interface SagaAdmin {

  /**
   * The saga table next to {@code schema.processedKeysTable} (created by the consumers' migration).
   *
   * @throws IllegalArgumentException if a name is not a lower-case SQL identifier
   */
  static SagaAdmin of(DataSource dataSource, String schema, String processedKeysTable) {
    return new JdbcSagaAdmin(dataSource, schema, processedKeysTable);
  }

  /**
   * Sagas, least recently moved first.
   *
   * @param type only this type; null for all
   * @param status only this status; null for all
   * @param stuckFor only running or compensating sagas that have not moved for this long; null for
   *     any
   * @param limit at most this many (1 to 10,000)
   */
  List<SagaState> list(String type, SagaStatus status, Duration stuckFor, int limit)
      throws SQLException;

  /** One saga. */
  Optional<SagaState> find(String type, String sagaId) throws SQLException;

  /**
   * Runs the saga's current action (or compensation) again at once with fresh attempts; a parked
   * saga goes back the way it was going (a parked compensation is retried).
   *
   * @param actor who does it, recorded in the saga's operator note, e.g. {@code alice@ops}
   * @throws IllegalArgumentException if there is no such saga
   * @throws IllegalStateException if it is final
   */
  SagaState retry(String type, String sagaId, String actor) throws SQLException;

  /**
   * Compensates a running or parked saga now: its completed steps, last first, and the current step
   * too if its action ran.
   *
   * @throws IllegalArgumentException if there is no such saga
   * @throws IllegalStateException if it is final or already compensating (retry that instead)
   */
  SagaState compensate(String type, String sagaId, String actor) throws SQLException;
}
