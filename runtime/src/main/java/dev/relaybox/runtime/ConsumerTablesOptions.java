package dev.relaybox.runtime;

import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Where a consumer service's tables are (its database, schema and processed-keys table, after which
 * the dead set and the saga table are named): the options {@code relaybox dlq} and {@code relaybox
 * sagas} share.
 */
final class ConsumerTablesOptions {
  @Mixin PostgresOptions postgres;

  @Option(
      names = "--schema",
      defaultValue = "public",
      description = "Schema of the consumers' tables, their db.schema (default: ${DEFAULT-VALUE}).")
  String schema;

  @Option(
      names = "--processed-keys-table",
      defaultValue = "processed_keys",
      paramLabel = "TABLE",
      description =
          "The processed-keys table (processed.keys.table); the dead set is <TABLE>_dead_set and"
              + " the saga table <TABLE>_sagas (default: ${DEFAULT-VALUE}).")
  String table;

  /** Opens one of the tables' APIs, e.g. {@code DeadSet::of}. */
  interface Opener<T> {
    T open(DataSource dataSource, String schema, String processedKeysTable);
  }

  /** The API over the tables; usage error (exit code 2) for a bad schema or table name. */
  <T> T open(CommandSpec spec, Opener<T> opener) {
    try {
      return opener.open(postgres.dataSource(spec), schema, table);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "--schema or --processed-keys-table: " + e.getMessage());
    }
  }

  /**
   * Runs a command body against Postgres, failures as exit codes ({@link PostgresOptions#run});
   * {@code what} and {@code suffix} name the table a missing-table error points at.
   */
  int run(CommandSpec spec, String what, String suffix, Callable<Integer> body) throws Exception {
    return postgres.run(
        spec,
        "no "
            + what
            + " "
            + schema
            + "."
            + table
            + suffix
            + ": check --schema and --processed-keys-table (the consumers create it when they"
            + " start).",
        body);
  }
}
