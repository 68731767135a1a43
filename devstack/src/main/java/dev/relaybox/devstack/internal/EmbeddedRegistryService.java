package dev.relaybox.devstack.internal;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackException;
import dev.relaybox.devstack.registry.SchemaRegistryServer;
import java.nio.file.Path;

/** The dev schema registry in this JVM, on a fixed port and storage directory. */
final class EmbeddedRegistryService implements DevStack.SchemaRegistry {
  private final Path storageDir;
  private final int port;
  private SchemaRegistryServer server;

  EmbeddedRegistryService(Path runDir) {
    this.storageDir = runDir.resolve("registry");
    this.port = Ports.freePort();
  }

  @Override
  public synchronized void start() {
    if (server != null) {
      return;
    }
    try {
      server = SchemaRegistryServer.start(storageDir, port);
    } catch (RuntimeException e) {
      throw new DevStackException(
          "devstack: schema registry did not start on 127.0.0.1:" + port + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public synchronized void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return server != null;
  }

  @Override
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public String toString() {
    return "registry(" + url() + ")";
  }
}
