package dev.relaybox.spring.internal;

import java.sql.Connection;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Makes the consumer framework's transaction Spring's current transaction on the application's
 * DataSource while a handler runs, so {@code JdbcTemplate}, {@code TransactionalOutbox} and
 * {@code @Transactional(REQUIRED)} join it instead of taking a connection of their own.
 */
final class SpringTransactions {

  /** Work run while the binding holds. */
  @FunctionalInterface
  interface Work<T> {
    T run() throws Exception;
  }

  private SpringTransactions() {}

  static <T> T bound(DataSource dataSource, Connection tx, Work<T> work) throws Exception {
    if (TransactionSynchronizationManager.hasResource(dataSource)) {
      throw new IllegalStateException(
          "a Spring transaction is already bound to the DataSource on the consumer's thread");
    }
    TransactionSynchronizationManager.bindResource(dataSource, new FrameworkTransaction(tx));
    TransactionSynchronizationManager.setActualTransactionActive(true);
    // Active synchronization keeps a participating @Transactional from clearing this thread's
    // transaction state when it completes. Its callbacks are not run: the framework commits the
    // batch after the handler returns, out of Spring's sight.
    TransactionSynchronizationManager.initSynchronization();
    try {
      return work.run();
    } finally {
      TransactionSynchronizationManager.clearSynchronization();
      TransactionSynchronizationManager.setActualTransactionActive(false);
      TransactionSynchronizationManager.unbindResource(dataSource);
    }
  }

  /**
   * The framework's connection as an active, synchronized transaction: a {@code
   * DataSourceTransactionManager} then participates in it instead of committing it.
   */
  private static final class FrameworkTransaction extends ConnectionHolder {
    FrameworkTransaction(Connection connection) {
      super(connection);
      setSynchronizedWithTransaction(true);
      setTransactionActive(true);
    }
  }
}
