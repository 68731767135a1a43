package dev.relaybox.runtime;

import dev.relaybox.outbox.OutboxRepublisher;
import dev.relaybox.runtime.internal.Progress;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Makes the relay publish retained outbox events of a time window again. */
@Command(
    name = "republish",
    mixinStandardHelpOptions = true,
    description = {
      "Publish retained outbox events again (CleanupMode.RETAIN), for when a Kafka topic lost"
          + " them: every row with FROM <= created_at < TO is deleted and inserted again,"
          + " unchanged (same id, payload, headers, created_at). The relay publishes inserts only,"
          + " so it sends each event again; the delete never reaches Kafka.",
      "Works in batches of --batch-size rows ordered by (created_at, id), one transaction each:"
          + " an interruption leaves every row present exactly once, and running the command"
          + " again is safe. Consumers skip event ids they already processed, so republishing"
          + " events that were consumed is harmless.",
      "The relay must be running (or start later) with its slot; its Kafka topics must exist."
    },
    footer = {
      "",
      "Examples:",
      "  RELAYBOX_PG_PASSWORD=... relaybox outbox republish"
          + " --jdbc-url jdbc:postgresql://db:5432/app --pg-user app"
          + " --from 2026-11-22T10:00:00Z --to 2026-11-22T11:00:00Z --dry-run",
      "  relaybox outbox republish --jdbc-url jdbc:postgresql://db:5432/app --schema orders"
          + " --table outbox --from 2026-11-22T10:00:00Z --to 2026-11-22T11:00:00Z",
      "",
      "The Postgres password comes from $RELAYBOX_PG_PASSWORD, never from the command line.",
      "Exit codes: 0 done (or counted, with --dry-run), 1 no retained event in the window or the"
          + " table does not exist, 2 usage error (bad identifier or time), 3 Postgres"
          + " unreachable."
    })
final class OutboxRepublishCommand implements Callable<Integer> {
  /** SQLSTATE 42P01: undefined table (also when the schema is missing). */
  private static final String UNDEFINED_TABLE = "42P01";

  @Spec CommandSpec spec;

  @Mixin OutboxTableOptions db;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "TS",
      converter = InstantConverter.class,
      description = "Start of the window, inclusive (ISO-8601 instant or epoch millis).")
  Instant fromTs;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "TS",
      converter = InstantConverter.class,
      description = "End of the window, exclusive (ISO-8601 instant or epoch millis).")
  Instant toTs;

  @Option(names = "--dry-run", description = "Count the events in the window; change nothing.")
  boolean dryRun;

  @Option(
      names = "--batch-size",
      defaultValue = "500",
      paramLabel = "N",
      description = "Rows per transaction (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Override
  public Integer call() {
    if (!fromTs.isBefore(toTs)) {
      throw new ParameterException(
          spec.commandLine(),
          "--from (" + fromTs + ") must be before --to (" + toTs + "): the window is [from, to)");
    }
    OutboxRepublisher republisher;
    try {
      republisher =
          OutboxRepublisher.builder()
              .dataSource(db.postgres.dataSource(spec))
              .schema(db.schema)
              .table(db.table)
              .batchSize(batchSize)
              .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String where = db.where();
    try {
      long count = republisher.count(fromTs, toTs);
      out.printf(
          "%d retained event(s) in %s with %s <= created_at < %s.%n", count, where, fromTs, toTs);
      if (count == 0) {
        err.printf(
            "relaybox outbox republish: nothing to republish. Is the outbox in RETAIN mode (the"
                + " default mode deletes rows at once), and has the sweeper kept the window?%n");
        return RelayboxCli.EXIT_FAILED;
      }
      if (dryRun) {
        out.println("Dry run: nothing changed.");
        return 0;
      }
      long done = republisher.republish(fromTs, toTs, new Progress(err, "outbox republish", count));
      out.printf(
          "Re-inserted %d event(s); the relay publishes them again. Consumers skip event ids they"
              + " already processed.%n",
          done);
      return 0;
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      if (RelayboxCli.postgresUnreachable(state)) {
        err.printf(
            "relaybox outbox republish: cannot connect to Postgres at %s as %s: %s. Check"
                + " --jdbc-url, --pg-user and $RELAYBOX_PG_PASSWORD.%n",
            db.postgres.printableUrl(), db.postgres.pgUser, e.getMessage());
        return RelayboxCli.EXIT_UNAVAILABLE;
      }
      if (state.equals(UNDEFINED_TABLE)) {
        err.printf(
            "relaybox outbox republish: table %s does not exist: check --schema and --table.%n",
            where);
        return RelayboxCli.EXIT_FAILED;
      }
      err.printf(
          "relaybox outbox republish: Postgres failed (SQLSTATE %s): %s. Batches committed"
              + " before stay republished; every row is still present once, so run it again.%n",
          state, e.getMessage());
      return RelayboxCli.EXIT_FAILED;
    }
  }
}
