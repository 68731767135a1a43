package dev.relaybox.consumers.host;

import java.nio.file.Path;

/**
 * A service host process for {@link ServiceHostKillIT}, as {@code relaybox consumers} runs one:
 * {@link ServiceHost#launch} from the properties file in {@code args[0]}, environment overrides
 * applied (the password comes as {@code RELAYBOX_PG_PASSWORD}), closed by SIGTERM.
 */
public final class ChildHostMain {

  private ChildHostMain() {}

  public static void main(String[] args) throws Exception {
    HostConfig config =
        HostConfig.fromFile(Path.of(args[0])).overrideFromEnvironment(System::getenv).build();
    ServiceHost host = ServiceHost.launch(config);
    Runtime.getRuntime().addShutdownHook(new Thread(host::close, "child-host-shutdown"));
    host.awaitClosed();
    System.exit(host.failure().isPresent() ? 1 : 0);
  }
}
