package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.ConsumerRunner;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The consumers' tables next to a processed-keys table (processed keys, retry and dead sets,
 * sagas), created or upgraded by Flyway with the history table {@code <table>_schema_history}.
 */
public final class Migrations {

  private Migrations() {}

  /** Migrates {@code schema.processedKeysTable} and its companions; idempotent. */
  public static void migrate(DataSource dataSource, String schema, String processedKeysTable) {
    Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations(ConsumerRunner.MIGRATIONS_LOCATION)
        .schemas(schema)
        .table(processedKeysTable + "_schema_history")
        .placeholders(
            Map.of("processed_keys_schema", schema, "processed_keys_table", processedKeysTable))
        // The schema may hold other tables already: start the history at 0 so V1 still runs.
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }
}
