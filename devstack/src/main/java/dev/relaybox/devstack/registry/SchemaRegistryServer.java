package dev.relaybox.devstack.registry;

import com.sun.net.httpserver.HttpServer;
import dev.relaybox.devstack.registry.internal.RegistryHttpHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Confluent Schema Registry compatible HTTP server for development and tests, bound to 127.0.0.1.
 * Production uses a real registry (Confluent, Apicurio's ccompat API, Karapace); this one speaks
 * the same REST API for what a Kafka Avro client and an admin need:
 *
 * <ul>
 *   <li>register, look up and list schemas and subject versions, get a schema by global id;
 *   <li>compatibility checks with Avro's own {@link org.apache.avro.SchemaCompatibility} under the
 *       levels NONE, BACKWARD (default), FORWARD, FULL and their {@code _TRANSITIVE} variants,
 *       globally or per subject ({@code /config});
 *   <li>soft and permanent deletes of subjects and versions;
 *   <li>the mode, globally or per subject ({@code /mode}): a READONLY or READONLY_OVERRIDE subject
 *       refuses registrations and deletes (42205); IMPORT is kept and reported, and needs an empty
 *       registry (or subject) unless {@code force=true}, but ids are not taken from requests.
 * </ul>
 *
 * <p>Only AVRO schemas are accepted; JSON Schema and Protobuf get 422 (error code 42201). Schema
 * references are stored and resolved against the registered subject versions they name, so a schema
 * may use named types from other subjects; there is no check that prevents deleting a referenced
 * version. Schemas are identified by their normalised Avro JSON, so whitespace and key order do not
 * matter; the {@code normalize} parameter is ignored.
 *
 * <p>The state is saved durably (fsync and atomic rename of one JSON file in the storage directory)
 * before each changing request is answered, and loaded on start: a server started again on the same
 * directory continues with the same ids and versions. Thread-safe.
 */
public final class SchemaRegistryServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SchemaRegistryServer.class);
  private static final AtomicInteger SERVER_COUNT = new AtomicInteger();
  private static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

  private final HttpServer server;
  private final ExecutorService executor;
  private final Path storageDirectory;
  private boolean closed;

  private SchemaRegistryServer(HttpServer server, ExecutorService executor, Path storageDirectory) {
    this.server = server;
    this.executor = executor;
    this.storageDirectory = storageDirectory;
  }

  /**
   * Starts a registry on {@code 127.0.0.1:port} with its state in {@code storageDir}.
   *
   * @param storageDir where the state file lives; created if missing; never null
   * @param port the port, or 0 for a free one
   * @return the running server; {@link #close()} stops it
   * @throws IllegalArgumentException if {@code port} is outside 0..65535
   * @throws UncheckedIOException if the directory or its state cannot be read or created, or the
   *     port cannot be bound (for example because it is taken)
   */
  public static SchemaRegistryServer start(Path storageDir, int port) {
    Objects.requireNonNull(storageDir, "storageDir");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
    }
    RegistryHttpHandler handler;
    try {
      Files.createDirectories(storageDir);
      handler = RegistryHttpHandler.open(storageDir);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot open the schema registry storage in " + storageDir + ": " + e.getMessage(), e);
    }
    // The JDK's built-in server keeps devstack, which every module's tests depend on, free of a
    // web framework and of the version conflicts one would bring next to Kafka's own jars; a dev
    // registry needs nothing more than plain HTTP/1.1.
    // The JDK server sends a response's headers and body as two TCP segments; with Nagle's
    // algorithm the second waits for the client's delayed ACK, ~40 ms per request (measured: 47 ms
    // vs 2-5 ms per GET). This JVM-wide property, read when the JDK server is first used, turns
    // Nagle off; a value someone else chose is left alone.
    if (System.getProperty(NODELAY_PROPERTY) == null) {
      System.setProperty(NODELAY_PROPERTY, "true");
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot bind the schema registry to 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newFixedThreadPool(4, threadFactory());
    server.setExecutor(executor);
    server.createContext("/", handler);
    server.start();
    SchemaRegistryServer started = new SchemaRegistryServer(server, executor, storageDir);
    log.info("Schema registry started url={} storage={}", started.url(), storageDir);
    return started;
  }

  /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Stops serving and releases the port; the data stays on disk, so {@link #start} on the same
   * directory (and port) continues where this one stopped. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    log.info("Schema registry stopped url={} storage={}", url(), storageDirectory);
  }

  private static ThreadFactory threadFactory() {
    int server = SERVER_COUNT.incrementAndGet();
    AtomicInteger thread = new AtomicInteger();
    return runnable -> {
      Thread t = new Thread(runnable, "schema-registry-" + server + "-" + thread.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
