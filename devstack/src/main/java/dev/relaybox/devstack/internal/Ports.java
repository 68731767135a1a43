package dev.relaybox.devstack.internal;

import dev.relaybox.devstack.DevStackException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free TCP ports on the loopback interface. */
final class Ports {
  private static final int ATTEMPTS = 100;

  /**
   * Every port this JVM handed out: a socket on port 0 closed again may get the same port the next
   * time, before the first caller bound it (a broker given one port for both its listeners refuses
   * to start; two services on one port fight over it).
   */
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private Ports() {}

  /**
   * A port that was free on 127.0.0.1 a moment ago and was never handed out before by this JVM; the
   * caller binds it right away.
   */
  static synchronized int freePort() {
    for (int i = 0; i < ATTEMPTS; i++) {
      int port = pick();
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new DevStackException(
        "devstack: no TCP port on 127.0.0.1 that this JVM has not handed out already after "
            + ATTEMPTS
            + " attempts; start fewer dev stacks in one JVM");
  }

  private static int pick() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new DevStackException("devstack: no free TCP port on 127.0.0.1: " + e.getMessage(), e);
    }
  }
}
