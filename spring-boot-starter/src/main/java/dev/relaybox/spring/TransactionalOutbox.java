package dev.relaybox.spring;

import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import dev.relaybox.outbox.TransactionRequiredException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Publishes outbox events in the current Spring transaction: on the connection Spring bound to the
 * application's DataSource (the one {@code JdbcTemplate} and JPA write the business rows with), so
 * the events commit if and only if the business rows do.
 *
 * <pre>{@code
 * @Transactional
 * public void place(Order order) {
 *   jdbc.update("INSERT INTO orders ...", ...);
 *   outbox.publish(OutboxEvent.of("order", order.id(), orderPlaced));
 * }
 * }</pre>
 *
 * <p>Outside a transaction it refuses, exactly as the plain {@link Outbox#publish} refuses a
 * connection in auto-commit mode: {@link TransactionRequiredException}, same message, nothing
 * written. Database errors come as Spring's {@code DataAccessException}s, which roll the
 * transaction back. Thread-safe.
 */
public final class TransactionalOutbox {

  private final Outbox outbox;
  private final DataSource dataSource;
  private final SQLExceptionTranslator translator;

  /** Publishes with {@code outbox} on the connections Spring binds to {@code dataSource}. */
  public TransactionalOutbox(Outbox outbox, DataSource dataSource) {
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.translator = new SQLErrorCodeSQLExceptionTranslator(dataSource);
  }

  /**
   * Writes one event in the current transaction and returns its id.
   *
   * @throws TransactionRequiredException outside a Spring transaction; nothing is written
   * @throws dev.relaybox.outbox.EventTooLargeException if the event is too large
   * @throws org.springframework.dao.DataAccessException if the database fails
   */
  public UUID publish(OutboxEvent event) {
    Objects.requireNonNull(event, "event must not be null");
    publishAll(List.of(event));
    return event.id();
  }

  /**
   * Writes several events in the current transaction; see {@link Outbox#publishAll}.
   *
   * @throws TransactionRequiredException outside a Spring transaction; nothing is written
   */
  public void publishAll(Collection<OutboxEvent> events) {
    try {
      if (!TransactionSynchronizationManager.isActualTransactionActive()) {
        // Spring would hand out a connection nobody commits as one unit with the business rows:
        // the plain API's auto-commit refusal is the same mistake, so it gives the same answer.
        throw TransactionRequiredException.outsideTransaction();
      }
      Connection tx = DataSourceUtils.getConnection(dataSource);
      try {
        outbox.publishAll(tx, events);
      } finally {
        DataSourceUtils.releaseConnection(tx, dataSource);
      }
    } catch (SQLException e) {
      throw Objects.requireNonNull(translator.translate("publish outbox events", null, e));
    }
  }

  /** The plain outbox this publishes with, e.g. for its table name or topics. */
  public Outbox outbox() {
    return outbox;
  }
}
