package dev.relaybox.devstack.internal;

import dev.relaybox.devstack.DevStack;

/** Builds the stack implementation for the resolved mode. */
public final class DevStackLauncher {
  private DevStackLauncher() {}

  public static DevStack launch(DevStack.Builder builder) {
    throw new UnsupportedOperationException("devstack: not implemented yet");
  }
}
