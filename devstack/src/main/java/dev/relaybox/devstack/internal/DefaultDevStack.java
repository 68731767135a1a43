package dev.relaybox.devstack.internal;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.StackMode;
import dev.relaybox.devstack.peers.Peers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A started stack: its components, and the data directory it deletes on close if it owns it. */
final class DefaultDevStack implements DevStack {
  private static final Logger log = LoggerFactory.getLogger(DefaultDevStack.class);

  private final StackMode mode;
  private final Postgres postgres;
  private final Kafka kafka;
  private final SchemaRegistry registry;
  private final Peers peers;
  private final Path runDir;
  private final boolean deleteOnClose;
  private final Duration startupTime;
  private boolean closed;

  DefaultDevStack(
      StackMode mode,
      Postgres postgres,
      Kafka kafka,
      SchemaRegistry registry,
      Peers peers,
      Path runDir,
      boolean deleteOnClose,
      Duration startupTime) {
    this.mode = mode;
    this.postgres = postgres;
    this.kafka = kafka;
    this.registry = registry;
    this.peers = peers;
    this.runDir = runDir;
    this.deleteOnClose = deleteOnClose;
    this.startupTime = startupTime;
  }

  @Override
  public StackMode mode() {
    return mode;
  }

  @Override
  public Postgres postgres() {
    return require(postgres, "PostgreSQL", "postgres(true)");
  }

  @Override
  public Kafka kafka() {
    return require(kafka, "Kafka", "kafka(true)");
  }

  @Override
  public SchemaRegistry schemaRegistry() {
    return require(registry, "a schema registry", "schemaRegistry(true)");
  }

  @Override
  public Peers peers() {
    return require(peers, "the fake third parties", "peers(true)");
  }

  @Override
  public Duration startupTime() {
    return startupTime;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<Restartable> components = new ArrayList<>();
    for (Restartable c : new Restartable[] {postgres, kafka, registry}) {
      if (c != null) {
        components.add(c);
      }
    }
    Collections.reverse(components);
    stopAll(components);
    if (peers != null) {
      peers.close();
    }
    if (deleteOnClose && runDir != null) {
      RunDirectories.deleteRecursively(runDir);
    }
    log.info("devstack: closed mode={} dataDir={}", mode, runDir);
  }

  /** Stops every component, continuing past failures, and logs them. */
  static void stopAll(List<? extends Restartable> components) {
    for (Restartable c : components) {
      try {
        c.stop();
      } catch (RuntimeException e) {
        log.warn("devstack: {} did not stop cleanly: {}", c, e.toString());
      }
    }
  }

  private <T> T require(T component, String what, String builderCall) {
    if (component == null) {
      throw new IllegalStateException(
          "this devstack was started without "
              + what
              + "; build it with DevStack.builder()."
              + builderCall);
    }
    return component;
  }

  @Override
  public String toString() {
    return "DevStack[mode="
        + mode
        + ", postgres="
        + postgres
        + ", kafka="
        + kafka
        + ", registry="
        + registry
        + "]";
  }
}
