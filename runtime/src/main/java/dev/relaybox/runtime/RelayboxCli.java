package dev.relaybox.runtime;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.Set;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code relaybox} command: one runnable jar for the services and operations. The dev
 * distribution ({@code relaybox-dev.jar}) adds {@code demo}, {@code devstack} and {@code peers}.
 *
 * <p>Exit codes: 0 success, 1 the command ran and found a failure (e.g. verification failed), 2
 * usage error, 3 infrastructure could not be reached or started.
 */
@Command(
    name = "relaybox",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Transactional outbox pipeline: Postgres WAL -> Debezium -> Kafka -> effects.",
    subcommands = {
      RelayCommand.class,
      ConsumersCommand.class,
      StatusCommand.class,
      ReplayCommand.class,
      DlqCommand.class,
      SagasCommand.class,
      OutboxCommand.class,
      ConsoleCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 ok, 1 verification failed, 2 usage error, 3 infrastructure unavailable."
    })
public final class RelayboxCli {
  /** A command found a failure. */
  public static final int EXIT_FAILED = 1;

  /** Infrastructure could not be reached or started. */
  public static final int EXIT_UNAVAILABLE = 3;

  private RelayboxCli() {}

  /** Whether a SQLSTATE means Postgres was not reached: class 08 (connection) or 28 (auth). */
  static boolean postgresUnreachable(String sqlState) {
    return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("28"));
  }

  /**
   * Prints {@code command}'s Postgres failure with its SQLSTATE and returns the exit code: {@link
   * #EXIT_UNAVAILABLE} when Postgres was not reached, else {@link #EXIT_FAILED}.
   */
  static int postgresFailed(PrintWriter err, String command, SQLException e) {
    err.printf("%s: Postgres failed (SQLSTATE %s): %s%n", command, e.getSQLState(), e.getMessage());
    return postgresUnreachable(e.getSQLState()) ? EXIT_UNAVAILABLE : EXIT_FAILED;
  }

  /** Commands that run as long-lived services and therefore log at INFO by default. */
  private static final Set<String> SERVICES = Set.of("relay", "consumers", "console");

  public static void main(String[] args) {
    System.exit(execute(commandLine(e -> false), args, SERVICES));
  }

  /**
   * Runs {@code args} on {@code cli}; the commands named in {@code services} log at INFO unless
   * {@code RELAYBOX_LOG_LEVEL} says otherwise, every other command at WARN.
   */
  public static int execute(CommandLine cli, String[] args, Set<String> services) {
    LogRouting.install();
    // Before anything logs: logback resolves ${RELAYBOX_LOG_LEVEL} from system properties first,
    // then the environment. Interactive commands stay at WARN so their own output is readable.
    if (args.length > 0
        && services.contains(args[0])
        && System.getenv("RELAYBOX_LOG_LEVEL") == null) {
      System.setProperty("RELAYBOX_LOG_LEVEL", "INFO");
    }
    return cli.execute(args);
  }

  /**
   * The configured picocli command line (used by tests as well as {@link #main}); an exception
   * {@code unavailable} accepts exits with {@link #EXIT_UNAVAILABLE}, any other with {@link
   * #EXIT_FAILED}.
   */
  public static CommandLine commandLine(Predicate<Exception> unavailable) {
    return new CommandLine(RelayboxCli.class)
        .setExecutionExceptionHandler(
            (e, cmd, parseResult) -> {
              cmd.getErr().println(cmd.getColorScheme().errorText("relaybox: " + e.getMessage()));
              return unavailable.test(e) ? EXIT_UNAVAILABLE : EXIT_FAILED;
            });
  }
}
