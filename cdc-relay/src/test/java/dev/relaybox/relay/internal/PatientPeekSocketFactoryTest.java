package dev.relaybox.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PatientPeekSocketFactoryTest {
  private static final int WAIT_MS = 100;

  private ServerSocket server;
  private Socket client;
  private Socket peer;

  @BeforeEach
  void connect() throws Exception {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    client =
        new PatientPeekSocketFactory(Integer.toString(WAIT_MS))
            .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
    peer = server.accept();
  }

  @AfterEach
  void close() throws Exception {
    client.close();
    peer.close();
    server.close();
  }

  @Test
  void aQuietPeekReceivesAMessageThatArrivesAfterItsMillisecond() throws Exception {
    client.setSoTimeout(1);
    InputStream in = client.getInputStream();
    ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    try {
      // The message comes well after pgjdbc's 1 ms, within the peek's wait.
      CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> readOne(in));
      sender.schedule(
          () -> {
            peer.getOutputStream().write(42);
            return null;
          },
          30,
          TimeUnit.MILLISECONDS);
      assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(42);
    } finally {
      sender.shutdownNow();
    }
  }

  @Test
  void aQuietPeekStillEndsInATimeoutAfterItsWait() throws Exception {
    client.setSoTimeout(1);
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.getInputStream().read())
        .isInstanceOf(SocketTimeoutException.class);
    assertThat(System.nanoTime() - start)
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(WAIT_MS));
  }

  @Test
  void everyOtherTimeoutIsKept() throws Exception {
    client.setSoTimeout(10_000);
    assertThat(client.getSoTimeout()).isEqualTo(10_000);
    client.setSoTimeout(0);
    assertThat(client.getSoTimeout()).isZero();
    client.setSoTimeout(1);
    assertThat(client.getSoTimeout()).isEqualTo(WAIT_MS);
  }

  @Test
  void aPeekRightAfterAMessageKeepsPgjdbcsMillisecond() throws Exception {
    peer.getOutputStream().write(7);
    assertThat(client.getInputStream().read()).isEqualTo(7);
    client.setSoTimeout(1);
    assertThat(client.getSoTimeout()).isEqualTo(1);
  }

  @Test
  void peeksWaitAgainOnceNoChangeHasComeForAQuarterSecond() throws Exception {
    peer.getOutputStream().write(7);
    long beforeArrival = System.nanoTime();
    assertThat(client.getInputStream().read()).isEqualTo(7);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(5))
        .until(
            () -> {
              client.setSoTimeout(1);
              return client.getSoTimeout() == WAIT_MS;
            });
    assertThat(System.nanoTime() - beforeArrival)
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
  }

  @Test
  void aKeepaliveAloneLeavesTheStreamQuiet() throws Exception {
    byte[] keepalive = new byte[23];
    keepalive[0] = 'd';
    keepalive[4] = 22;
    keepalive[5] = 'k';
    peer.getOutputStream().write(keepalive);
    assertThat(client.getInputStream().readNBytes(23)).isEqualTo(keepalive);
    client.setSoTimeout(1);
    assertThat(client.getSoTimeout()).isEqualTo(WAIT_MS);
  }

  @Test
  void aWaitThatIsNoNumberOfMillisecondsIsRefusedWithWhatToSet() {
    for (String arg : new String[] {null, "", "0", "soon"}) {
      assertThatThrownBy(() -> new PatientPeekSocketFactory(arg))
          .as(arg)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("idle.read.wait.ms");
    }
  }

  private static int readOne(InputStream in) {
    try {
      return in.read();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
