package dev.relaybox.runtime;

import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The Postgres connection options the operations commands share: {@code --jdbc-url} and {@code
 * --pg-user}; the password only ever comes from {@code $RELAYBOX_PG_PASSWORD}. A picocli mixin.
 */
final class PostgresOptions {
  @Option(
      names = "--jdbc-url",
      defaultValue = "${env:RELAYBOX_PG_JDBC_URL}",
      description = "Postgres JDBC URL (default: $RELAYBOX_PG_JDBC_URL).")
  String jdbcUrl;

  @Option(
      names = "--pg-user",
      defaultValue = "${env:RELAYBOX_PG_USER:-postgres}",
      description = "Postgres user (default: $RELAYBOX_PG_USER or postgres).")
  String pgUser;

  /** Whether a URL was given. */
  boolean present() {
    return jdbcUrl != null && !jdbcUrl.isBlank();
  }

  /**
   * A data source for the URL and user, with the password from $RELAYBOX_PG_PASSWORD.
   *
   * @throws ParameterException (exit code 2) when no URL was given
   */
  PGSimpleDataSource dataSource(CommandSpec spec) {
    if (!present()) {
      throw new ParameterException(
          spec.commandLine(), "Missing required option: '--jdbc-url' (or $RELAYBOX_PG_JDBC_URL)");
    }
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
    return jdbcUrl == null ? "" : jdbcUrl.replaceFirst("\\?.*", "");
  }
}
