package dev.relaybox.schemas;

import dev.relaybox.devstack.registry.SchemaRegistryServer;
import java.nio.file.Path;

/**
 * The real dev schema registry over HTTP for ITs, started on a free port with its state in a
 * directory; can be stopped and started again on the same port and state to simulate an outage.
 */
public final class DevRegistry implements AutoCloseable {

  private final Path storage;
  private final int port;
  private SchemaRegistryServer server;

  private DevRegistry(Path storage) {
    this.storage = storage;
    this.server = SchemaRegistryServer.start(storage, 0);
    this.port = server.port();
  }

  public static DevRegistry start(Path storage) {
    return new DevRegistry(storage);
  }

  /** {@code http://127.0.0.1:<port>}; stays the same across {@link #stop()}/{@link #restart()}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public synchronized void stop() {
    server.close();
  }

  public synchronized void restart() {
    server.close();
    server = SchemaRegistryServer.start(storage, port);
  }

  @Override
  public synchronized void close() {
    server.close();
  }
}
