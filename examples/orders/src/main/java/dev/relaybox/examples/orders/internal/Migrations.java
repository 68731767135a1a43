package dev.relaybox.examples.orders.internal;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Runs one service's Flyway migrations in its schema with a history table of its own. */
public final class Migrations {

  private Migrations() {}

  /**
   * Creates or upgrades the tables at {@code location} in {@code schema}; the history goes to
   * {@code <historyTable>} so that several services (and the framework's processed keys and the
   * outbox, which keep their own histories) share one schema without colliding version numbers.
   */
  public static void migrate(
      DataSource dataSource, String location, String schema, String historyTable) {
    Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations(location)
        .schemas(schema)
        .table(historyTable)
        // The schema may already hold other services' tables: V1 must still run.
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }
}
