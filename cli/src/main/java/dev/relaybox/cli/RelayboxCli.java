package dev.relaybox.cli;

import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code relaybox} command: one runnable jar for the demo, the services and operations.
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
      DemoCommand.class,
      DevStackCommand.class,
      PeersCommand.class,
      RelayCommand.class,
      ConsumersCommand.class,
      StatusCommand.class,
      ReplayCommand.class,
      DlqCommand.class,
      OutboxCommand.class,
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

  /** Commands that run as long-lived services and therefore log at INFO by default. */
  private static final Set<String> SERVICES = Set.of("relay", "consumers", "peers");

  public static void main(String[] args) {
    // Before anything logs: logback resolves ${RELAYBOX_LOG_LEVEL} from system properties first,
    // then the environment. Interactive commands stay at WARN so their own output is readable.
    if (args.length > 0
        && SERVICES.contains(args[0])
        && System.getenv("RELAYBOX_LOG_LEVEL") == null) {
      System.setProperty("RELAYBOX_LOG_LEVEL", "INFO");
    }
    System.exit(commandLine().execute(args));
  }

  /** The configured picocli command line (used by tests as well as {@link #main}). */
  public static CommandLine commandLine() {
    return new CommandLine(RelayboxCli.class)
        .setExecutionExceptionHandler(
            (e, cmd, parseResult) -> {
              cmd.getErr().println(cmd.getColorScheme().errorText("relaybox: " + e.getMessage()));
              return e instanceof dev.relaybox.devstack.DevStackException
                  ? EXIT_UNAVAILABLE
                  : EXIT_FAILED;
            });
  }
}
