package dev.relaybox.devstack.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class PeersIT {

  @Test
  void startsAllThreeOnFreePortsAndClosesThem() throws IOException {
    Peers peers = Peers.start();
    String gateway = peers.paymentGateway().url();
    String fulfillment = peers.fulfillment().url();
    int smtp = peers.mail().smtpPort();
    int imap = peers.mail().imapPort();

    assertThat(PeerClient.get(gateway + "/_faults").text("mode")).isEqualTo("none");
    assertThat(PeerClient.get(fulfillment + "/_faults").text("mode")).isEqualTo("none");
    assertThat(gateway).startsWith("http://127.0.0.1:");
    try (Socket socket = new Socket("127.0.0.1", imap)) {
      assertThat(socket.isConnected()).isTrue();
    }

    peers.close();

    assertThatThrownBy(() -> connect(smtp)).isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> connect(peers.paymentGateway().port()))
        .isInstanceOf(ConnectException.class);
  }

  private static void connect(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    }
  }
}
