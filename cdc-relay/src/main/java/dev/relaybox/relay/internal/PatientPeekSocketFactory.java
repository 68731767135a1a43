package dev.relaybox.relay.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.SocketFactory;

/**
 * pgjdbc's {@code socketFactory} for Debezium's connections ({@code idle.read.wait.ms}): plain
 * sockets, except that once no change has arrived for {@link #QUIET_NANOS} (250 ms), pgjdbc's 1 ms
 * peek for a pending message waits up to {@code socketFactoryArg} ms instead.
 *
 * <p>Why by hand: pgjdbc looks for a pending replication message by reading with a 1 ms timeout
 * (its only use of that timeout; it turns off its own peek throttle for replication streams), and
 * Debezium's streaming loop peeks five times per {@code poll.interval.ms} while nothing comes.
 * Idle, that is ~300 timed-out reads a second, each a {@link java.net.SocketTimeoutException} with
 * its stack trace: most of an idle relay's CPU. A longer peek is a wait in the kernel that ends the
 * moment a message arrives, so a quiet loop turns ~20× less often. Only a quiet one: pgjdbc holds
 * the connection's lock while it peeks, and Debezium flushes the confirmed LSN through the same
 * connection on the engine's thread after each batch, so long peeks between events of a slow stream
 * would hold up the next batch (measured: p99 at 40 events/s 45 → 115 ms with every peek long).
 * pgjdbc and Debezium offer no other hook for either.
 */
public final class PatientPeekSocketFactory extends SocketFactory {
  /** The timeout pgjdbc sets for its peek, and only for it. */
  private static final int PGJDBC_PEEK_MS = 1;

  /** A primary keepalive message's length on the wire. */
  private static final int KEEPALIVE_BYTES = 23;

  /**
   * How long no change must have arrived before a peek waits: longer than a batch takes from its
   * arrival to the LSN flush that may follow it (Debezium flushes after a batch, at most once per
   * {@code offsets.flush.interval.ms}; tens of ms), and short, because each heartbeat is a change
   * and the quick peeks after it were a fifth of an idle relay's CPU with a second here.
   */
  private static final long QUIET_NANOS = 250_000_000L;

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

  /**
   * Whether these bytes are just Postgres's keepalive, which the server sends after each status
   * update (Debezium's LSN flush, about every second): CopyData {@code 'd'}, length 22, {@code
   * 'k'}. It carries no change, so it does not make the stream busy.
   */
  static boolean isKeepalive(byte[] b, int off, int n) {
    return n == KEEPALIVE_BYTES && b[off] == 'd' && b[off + 5] == 'k';
  }

  /** A plain socket whose 1 ms read timeout is the peek's wait once no change came for a while. */
  private static final class PatientPeekSocket extends Socket {
    private final int peekWaitMs;
    private volatile long lastArrival = System.nanoTime() - QUIET_NANOS;
    private InputStream in;

    PatientPeekSocket(int peekWaitMs) {
      this.peekWaitMs = peekWaitMs;
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
      boolean patient = timeout == PGJDBC_PEEK_MS && System.nanoTime() - lastArrival >= QUIET_NANOS;
      super.setSoTimeout(patient ? peekWaitMs : timeout);
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (in == null) {
        in = new ArrivalsInput(super.getInputStream());
      }
      return in;
    }

    /** Notes when bytes other than a keepalive arrive. */
    private final class ArrivalsInput extends FilterInputStream {
      ArrivalsInput(InputStream in) {
        super(in);
      }

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          lastArrival = System.nanoTime();
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0 && !isKeepalive(b, off, n)) {
          lastArrival = System.nanoTime();
        }
        return n;
      }
    }
  }
}
