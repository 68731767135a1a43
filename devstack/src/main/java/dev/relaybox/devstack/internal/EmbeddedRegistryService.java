package dev.relaybox.devstack.internal;

import dev.relaybox.devstack.DevStack;
import java.nio.file.Path;

/** Placeholder until the dev schema registry server is wired in. */
final class EmbeddedRegistryService implements DevStack.SchemaRegistry {
  EmbeddedRegistryService(Path runDir) {}

  @Override
  public void start() {}

  @Override
  public void stop() {}

  @Override
  public boolean isRunning() {
    return false;
  }

  @Override
  public String url() {
    throw new IllegalStateException("the dev schema registry is not wired into the devstack yet");
  }
}
