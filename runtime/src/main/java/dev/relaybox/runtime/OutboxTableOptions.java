package dev.relaybox.runtime;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the outbox table is: the options every {@code relaybox outbox} command shares. */
final class OutboxTableOptions {
  @Mixin PostgresOptions postgres;

  @Option(
      names = "--schema",
      defaultValue = "public",
      description = "Schema of the outbox table (default: ${DEFAULT-VALUE}).")
  String schema;

  @Option(
      names = "--table",
      defaultValue = "outbox",
      description = "Name of the outbox table (default: ${DEFAULT-VALUE}).")
  String table;

  /** {@code schema.table}. */
  String where() {
    return schema + "." + table;
  }
}
