package dev.relaybox.devstack.internal;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackException;
import dev.relaybox.devstack.StackMode;
import dev.relaybox.devstack.peers.Peers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Resolves the mode and starts the components of a stack in parallel. */
public final class DevStackLauncher {
  private static final Logger log = LoggerFactory.getLogger(DevStackLauncher.class);

  private DevStackLauncher() {}

  public static DevStack launch(DevStack.Builder builder) {
    StackMode mode =
        builder
            .mode()
            .orElseGet(
                () ->
                    StackMode.resolve(
                        StackMode.requestedFromEnvironment(), DockerProbe::isDockerAvailable));
    log.info("devstack: starting mode={}", mode);
    return mode == StackMode.CONTAINERS
        ? ContainerDevStack.start(builder)
        : launchEmbedded(builder);
  }

  private static DevStack launchEmbedded(DevStack.Builder builder) {
    long started = System.nanoTime();
    Path root = RunDirectories.defaultRoot();
    RunDirectories.cleanStale(root);
    Path runDir;
    boolean deleteOnClose;
    if (builder.dataDirectory().isPresent()) {
      runDir = builder.dataDirectory().get();
      RunDirectories.claim(runDir);
      deleteOnClose = false;
    } else {
      runDir = RunDirectories.createRunDirectory(root);
      deleteOnClose = true;
    }
    EmbeddedPostgresService postgres =
        builder.postgres()
            ? new EmbeddedPostgresService(runDir, builder.fsync(), builder.synchronousCommit())
            : null;
    EmbeddedKafkaService kafka =
        builder.kafka()
            ? new EmbeddedKafkaService(runDir, builder.kafkaPartitions(), builder.kafkaProcess())
            : null;
    EmbeddedRegistryService registry =
        builder.schemaRegistry() ? new EmbeddedRegistryService(runDir) : null;

    List<DevStack.Restartable> components = new ArrayList<>();
    for (DevStack.Restartable c : new DevStack.Restartable[] {postgres, kafka, registry}) {
      if (c != null) {
        components.add(c);
      }
    }
    startAll(components, runDir, deleteOnClose);
    Peers peers;
    try {
      peers = builder.peers() ? Peers.start() : null;
    } catch (RuntimeException e) {
      DefaultDevStack.stopAll(components);
      throw new DevStackException("devstack: the fake third parties did not start: " + e, e);
    }
    Duration startup = Duration.ofNanos(System.nanoTime() - started);
    DevStack stack =
        new DefaultDevStack(
            StackMode.EMBEDDED, postgres, kafka, registry, peers, runDir, deleteOnClose, startup);
    log.info("devstack: ready in {} ms: {}", startup.toMillis(), stack);
    return stack;
  }

  /** Starts components concurrently; if one fails, stops the others and rethrows its error. */
  static void startAll(List<DevStack.Restartable> components, Path runDir, boolean deleteRunDir) {
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (DevStack.Restartable c : components) {
      futures.add(CompletableFuture.runAsync(c::start, command -> newThread(command).start()));
    }
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      DefaultDevStack.stopAll(components);
      if (deleteRunDir) {
        RunDirectories.deleteRecursively(runDir);
      }
      Throwable cause = e.getCause();
      if (cause instanceof DevStackException) {
        throw (DevStackException) cause;
      }
      throw new DevStackException("devstack: could not start: " + cause, cause);
    }
  }

  private static Thread newThread(Runnable runnable) {
    Thread thread = new Thread(runnable, "devstack-start");
    thread.setDaemon(true);
    return thread;
  }
}
