package dev.relaybox.devstack.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PortsTest {
  @Test
  void portsHandedOutOneAfterAnotherNeverRepeatAndAreBindable() throws Exception {
    int[] ports = IntStream.range(0, 64).map(i -> Ports.freePort()).toArray();
    assertThat(IntStream.of(ports).distinct().count()).isEqualTo(64);
    for (int port : ports) {
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(socket.getLocalPort()).isEqualTo(port);
      }
    }
  }
}
