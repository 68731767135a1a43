package dev.relaybox.dev;

import dev.relaybox.devstack.DevStackException;
import dev.relaybox.runtime.RelayboxCli;
import java.util.Set;
import picocli.CommandLine;

/**
 * The dev distribution's {@code relaybox} command ({@code relaybox-dev.jar}): every command of the
 * runtime plus {@code demo}, {@code devstack} and {@code peers}, with the dev stack and the example
 * order application on the classpath. For development and evaluation; production runs {@code
 * relaybox.jar}.
 */
public final class RelayboxDev {

  private static final Set<String> SERVICES = Set.of("relay", "consumers", "peers");

  private RelayboxDev() {}

  public static void main(String[] args) {
    System.exit(RelayboxCli.execute(commandLine(), args, SERVICES));
  }

  /** The runtime's command line with the dev commands added; for tests as well as {@link #main}. */
  public static CommandLine commandLine() {
    return RelayboxCli.commandLine(e -> e instanceof DevStackException)
        .addSubcommand(new DemoCommand())
        .addSubcommand(new DevStackCommand())
        .addSubcommand(new PeersCommand());
  }
}
