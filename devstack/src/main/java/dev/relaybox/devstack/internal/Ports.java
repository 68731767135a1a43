package dev.relaybox.devstack.internal;

import dev.relaybox.devstack.DevStackException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on the loopback interface. */
final class Ports {
  private Ports() {}

  /** A port that was free on 127.0.0.1 a moment ago; the caller binds it right away. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new DevStackException("devstack: no free TCP port on 127.0.0.1: " + e.getMessage(), e);
    }
  }
}
