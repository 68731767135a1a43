package dev.relaybox.runtime;

import java.sql.SQLException;
import java.util.concurrent.Callable;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The Postgres connection options the operations commands share: {@code --jdbc-url} and {@code
 * --pg-user}; the password only ever comes from {@code $RELAYBOX_PG_PASSWORD}. A picocli mixin.
 */
final class PostgresOptions {
  /** SQLSTATE 42P01: undefined table (also when the schema is missing). */
  private static final String UNDEFINED_TABLE = "42P01";

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

  /**
   * Runs a command body against Postgres and turns its failures into exit codes: 3 when Postgres
   * cannot be reached, 1 when the input names something that does not exist or cannot be done (the
   * message says what to do; {@code missingTable} when the command's table does not exist).
   */
  int run(CommandSpec spec, String missingTable, Callable<Integer> body) throws Exception {
    String name = "relaybox " + spec.qualifiedName().replaceFirst("^relaybox ", "");
    var err = spec.commandLine().getErr();
    try {
      return body.call();
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      if (RelayboxCli.postgresUnreachable(state)) {
        err.printf(
            "%s: cannot connect to Postgres at %s as %s: %s. Check --jdbc-url, --pg-user and"
                + " $RELAYBOX_PG_PASSWORD.%n",
            name, printableUrl(), pgUser, e.getMessage());
        return RelayboxCli.EXIT_UNAVAILABLE;
      }
      if (state.equals(UNDEFINED_TABLE)) {
        err.printf("%s: %s%n", name, missingTable);
        return RelayboxCli.EXIT_FAILED;
      }
      err.printf("%s: Postgres failed (SQLSTATE %s): %s%n", name, state, e.getMessage());
      return RelayboxCli.EXIT_FAILED;
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println(name + ": " + e.getMessage());
      return RelayboxCli.EXIT_FAILED;
    }
  }
}
