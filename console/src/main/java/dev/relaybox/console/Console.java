package dev.relaybox.console;

import dev.relaybox.console.internal.ConsoleServer;
import java.io.IOException;
import java.net.URI;

/**
 * The operations console: a web application served by the JVM that shows the pipeline (outbox,
 * relay slot, topics, consumer groups, effects) live, traces a key or event end to end, and runs
 * replays, outbox republishes and dead-event actions with the command line's safety checks. Run by
 * {@code relaybox console --config console.properties}.
 *
 * <pre>{@code
 * try (Console console = Console.start(ConsoleConfig.builder().load(path).build())) {
 *   System.out.println("console at " + console.url());
 *   console.awaitClosed();
 * }
 * }</pre>
 *
 * <p>Security: bound to loopback unless authentication is configured (a bearer token or basic
 * credentials, from the environment); every action needs the session's CSRF field; read-only mode
 * hides and refuses every action; secrets are never rendered. Thread-safe.
 */
public interface Console extends AutoCloseable {

  /**
   * Connects to Kafka, the databases and the registry (failures show on the pages, they do not stop
   * the start) and serves on {@code http.host:http.port}.
   *
   * @throws IOException when the address cannot be bound
   */
  static Console start(ConsoleConfig config) throws IOException {
    return ConsoleServer.start(config);
  }

  /** Where the console answers, e.g. {@code http://127.0.0.1:8085/}. */
  URI url();

  /** Waits until {@link #close()}. */
  void awaitClosed() throws InterruptedException;

  /** Stops serving and closes every connection. Idempotent. */
  @Override
  void close();
}
