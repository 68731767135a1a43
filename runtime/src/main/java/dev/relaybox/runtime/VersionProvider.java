package dev.relaybox.runtime;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = RelayboxCli.class.getPackage().getImplementationVersion();
    return new String[] {"relaybox " + (version == null ? "(development build)" : version)};
  }
}
