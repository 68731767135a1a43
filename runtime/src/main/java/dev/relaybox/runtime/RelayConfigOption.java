package dev.relaybox.runtime;

import dev.relaybox.relay.RelayConfig;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The {@code --config} option of the commands that act for a relay: its properties file. */
final class RelayConfigOption {
  @Option(
      names = "--config",
      required = true,
      description = "The relay's properties file (outbox, topics, offsets, connections).")
  Path config;

  /** The relay's configuration: the file, overridden by {@code RELAYBOX_*} variables. */
  RelayConfig load(CommandSpec spec) {
    try {
      return RelayConfig.builder().load(config).overrideFromEnvironment(System::getenv).build();
    } catch (IllegalArgumentException | IOException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
