package dev.relaybox.relay.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.SocketFactory;

/**
 * pgjdbc's {@code socketFactory} for Debezium's connections when {@code idle.read.wait.ms} is set:
 * plain sockets, except that pgjdbc's 1 ms peek for a pending message waits up to that long instead
 * ({@code socketFactoryArg}, in ms).
 *
 * <p>Why by hand: pgjdbc looks for a pending replication message by reading with a 1 ms timeout
 * (its only use of that timeout; it turns off its own peek throttle for replication streams), and
 * Debezium's streaming loop peeks five times per {@code poll.interval.ms} while nothing comes.
 * Idle, that is ~300 timed-out reads a second, each a {@link java.net.SocketTimeoutException} with
 * its stack trace: 1.6 CPU-s a minute, most of an idle relay's cost. A longer peek is a wait in the
 * kernel that ends the moment a message arrives, so the idle loop turns ~20× less often. Its price:
 * pgjdbc holds the connection's lock while it peeks, so an LSN flush (on the engine's thread) that
 * comes during a silent peek waits for it. pgjdbc and Debezium offer no other hook for either.
 */
public final class PatientPeekSocketFactory extends SocketFactory {
  /** The timeout pgjdbc sets for its peek, and only for it. */
  private static final int PGJDBC_PEEK_MS = 1;

  private final int peekWaitMs;

  /**
   * Called by pgjdbc with its {@code socketFactoryArg}.
   *
   * @param peekWaitMs the longest a peek waits, in ms; it also bounds how long an idle stream
   *     delays Debezium's LSN flush and keep-alive, and a stop
   */
  public PatientPeekSocketFactory(String peekWaitMs) {
    this.peekWaitMs = parse(peekWaitMs);
  }

  private static int parse(String peekWaitMs) {
    try {
      int ms = Integer.parseInt(String.valueOf(peekWaitMs).trim());
      if (ms >= 1) {
        return ms;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "socketFactoryArg of "
            + PatientPeekSocketFactory.class.getName()
            + " must be the peek's wait in ms (at least 1), not '"
            + peekWaitMs
            + "'; set idle.read.wait.ms instead of the factory itself");
  }

  @Override
  public Socket createSocket() {
    return new PatientPeekSocket(peekWaitMs);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connected(
        new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(InetAddress host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connected(
        new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
  }

  private Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
    Socket socket = new PatientPeekSocket(peekWaitMs);
    if (local != null) {
      socket.bind(local);
    }
    socket.connect(remote);
    return socket;
  }

  /** A plain socket whose 1 ms read timeout is the peek's wait. */
  private static final class PatientPeekSocket extends Socket {
    private final int peekWaitMs;

    PatientPeekSocket(int peekWaitMs) {
      this.peekWaitMs = peekWaitMs;
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
      super.setSoTimeout(timeout == PGJDBC_PEEK_MS ? peekWaitMs : timeout);
    }
  }
}
