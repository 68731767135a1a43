package dev.relaybox.devstack.peers;

import dev.relaybox.devstack.peers.internal.PeerHttpServer;

/**
 * An HTTP peer, on {@code 127.0.0.1} unless started on another address, with a switchable {@link
 * Fault}.
 *
 * <p>Every HTTP peer serves {@code GET /_faults} (the current fault as {@code {"mode", "delayMs",
 * "failRate", "retryAfterSeconds", "remainingMs"}}, {@code remainingMs} null when it does not
 * expire) and {@code POST /_faults} with {@code {"mode":"none|crash|slow|throttle", "delayMs"?,
 * "failRate"?, "retryAfterSeconds"?, "durationMs"?}} (400 on a bad value). Thread-safe.
 */
public abstract sealed class HttpPeer implements AutoCloseable
    permits PaymentGatewayServer, FulfillmentServer {
  /** The address peers bind by default. */
  static final String LOOPBACK = "127.0.0.1";

  private final PeerHttpServer server;

  HttpPeer(PeerHttpServer server) {
    this.server = server;
  }

  /** The base URL, {@code http://<host>:<port>}, without a trailing slash. */
  public String url() {
    return server.url();
  }

  /** The bound TCP port. */
  public int port() {
    return server.port();
  }

  /** Replaces the current fault; {@link Fault#none()} clears it. Logged at INFO. */
  public void setFault(Fault fault) {
    server.faults().set(fault);
  }

  /** The fault now in force; {@link Fault#none()} once an expiring fault has run out. */
  public Fault fault() {
    return server.faults().current();
  }

  /** Same as {@code setFault(Fault.none())}. */
  public void clearFault() {
    setFault(Fault.none());
  }

  /** Stops serving at once; in-flight requests are cut off. Idempotent. */
  @Override
  public void close() {
    server.close();
  }
}
