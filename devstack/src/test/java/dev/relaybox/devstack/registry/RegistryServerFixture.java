package dev.relaybox.devstack.registry;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry ITs' fixture: a server of its own on a fresh directory and a free port per test, a
 * subject name no other test uses, and the client.
 */
abstract class RegistryServerFixture {
  @TempDir Path storage;
  SchemaRegistryServer server;
  String subject;
  final RegistryHttp registry = new RegistryHttp(() -> server.url());

  @BeforeEach
  void start() {
    server = SchemaRegistryServer.start(storage, 0);
    subject = "it-" + UUID.randomUUID() + "-value";
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Stops the server and starts another on the same directory and port, as after a restart. */
  void restartOnSameDirectoryAndPort() {
    int port = server.port();
    server.close();
    server = SchemaRegistryServer.start(storage, port);
  }
}
