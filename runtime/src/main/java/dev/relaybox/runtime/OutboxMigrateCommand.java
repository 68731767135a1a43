package dev.relaybox.runtime;

import dev.relaybox.outbox.Outbox;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Creates or upgrades the outbox table, for deployments that migrate outside the application. */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = {
      "Create or upgrade the outbox table with the Flyway migrations shipped in outbox-producer,"
          + " exactly as Outbox.migrate(DataSource) does from an application. Idempotent; safe"
          + " while applications and the relay run.",
      "Use it where schema changes run as their own deployment step (a docker-compose init"
          + " service, a Kubernetes job) or before the relay's first start: the relay refuses to"
          + " start without the table."
    },
    footer = {
      "",
      "Examples:",
      "  RELAYBOX_PG_PASSWORD=... relaybox outbox migrate"
          + " --jdbc-url jdbc:postgresql://db:5432/app --pg-user app",
      "  relaybox outbox migrate --jdbc-url jdbc:postgresql://db:5432/app --schema orders",
      "",
      "The Postgres password comes from $RELAYBOX_PG_PASSWORD, never from the command line.",
      "Exit codes: 0 the table is up to date, 1 a migration failed, 2 usage error (bad"
          + " identifier), 3 Postgres unreachable."
    })
final class OutboxMigrateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin OutboxTableOptions db;

  @Override
  public Integer call() {
    Outbox outbox;
    try {
      outbox =
          Outbox.builder()
              .schema(db.schema)
              .table(db.table)
              // Migrating serializes nothing; the outbox just needs a serializer to be built.
              .serializer(
                  (topic, data) -> {
                    throw new UnsupportedOperationException("relaybox outbox migrate publishes");
                  })
              .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      outbox.migrate(db.postgres.dataSource(spec));
    } catch (RuntimeException e) { // Flyway's exceptions, with the driver's SQLException as cause
      String state = sqlState(e);
      boolean unreachable = RelayboxCli.postgresUnreachable(state);
      err.printf(
          "relaybox outbox migrate: %s %s at %s as %s: %s%n",
          unreachable ? "cannot connect to Postgres for" : "migration failed for",
          db.where(),
          db.postgres.printableUrl(),
          db.postgres.pgUser,
          unreachable
              ? rootMessage(e) + ". Check --jdbc-url, --pg-user and $RELAYBOX_PG_PASSWORD."
              : rootMessage(e));
      return unreachable ? RelayboxCli.EXIT_UNAVAILABLE : RelayboxCli.EXIT_FAILED;
    }
    out.printf("Outbox table %s is up to date.%n", db.where());
    return 0;
  }

  /** The SQLSTATE of the first SQLException in the cause chain, or empty. */
  private static String sqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return "";
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }
}
