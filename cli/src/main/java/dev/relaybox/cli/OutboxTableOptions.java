package dev.relaybox.cli;

import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Option;

/** Where the outbox table is: the options every {@code relaybox outbox} command shares. */
final class OutboxTableOptions {
  @Option(
      names = "--jdbc-url",
      defaultValue = "${env:RELAYBOX_PG_JDBC_URL}",
      required = true,
      description = "Postgres JDBC URL of the outbox database (default: $RELAYBOX_PG_JDBC_URL).")
  String jdbcUrl;

  @Option(
      names = "--pg-user",
      defaultValue = "${env:RELAYBOX_PG_USER:-postgres}",
      description = "Postgres user (default: $RELAYBOX_PG_USER or postgres).")
  String pgUser;

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

  /** A data source for the URL and user, with the password from $RELAYBOX_PG_PASSWORD. */
  PGSimpleDataSource dataSource() {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(jdbcUrl);
    dataSource.setUser(pgUser);
    String password = System.getenv("RELAYBOX_PG_PASSWORD");
    if (password != null) {
      dataSource.setPassword(password);
    }
    return dataSource;
  }

  /** The JDBC URL without its parameters, which may hold a password. */
  String printableUrl() {
    return jdbcUrl.replaceFirst("\\?.*", "");
  }

  /** {@code schema.table}. */
  String where() {
    return schema + "." + table;
  }
}
