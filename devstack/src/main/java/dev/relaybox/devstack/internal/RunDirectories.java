package dev.relaybox.devstack.internal;

import dev.relaybox.devstack.DevStackException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data directories of devstack runs, and the janitor that cleans up after JVMs that died without
 * closing their stack.
 *
 * <p>A killed test JVM leaves its embedded postmaster running (adopted by PID 1), holding a port
 * and a data directory. Every run directory therefore records its owner ({@value #OWNER_FILE}: pid
 * and JVM start time, so a recycled pid is not mistaken for the owner). Before a stack starts, run
 * directories whose owner is gone are cleaned: an orphaned postmaster is shut down (immediate mode,
 * SIGQUIT) and the directory deleted. Zonky's own cleanup only handles directories older than ten
 * minutes, hence this class.
 */
public final class RunDirectories {
  static final String OWNER_FILE = "owner.pid";
  private static final Logger log = LoggerFactory.getLogger(RunDirectories.class);

  private RunDirectories() {}

  /** The parent of the generated run directories. */
  public static Path defaultRoot() {
    return Path.of(System.getProperty("java.io.tmpdir"), "relaybox-devstack");
  }

  /** Creates a fresh run directory under {@code root}, owned by this JVM. */
  static Path createRunDirectory(Path root) {
    try {
      Files.createDirectories(root);
      Path dir = Files.createTempDirectory(root, "run-" + ProcessHandle.current().pid() + "-");
      claim(dir);
      return dir;
    } catch (IOException e) {
      throw new DevStackException("devstack: cannot create a data directory under " + root, e);
    }
  }

  /**
   * Claims {@code dir} for this JVM, first cleaning up an orphaned postmaster of a dead owner.
   *
   * @throws DevStackException if a live process other than this JVM owns the directory
   */
  static void claim(Path dir) {
    try {
      Files.createDirectories(dir);
      Optional<Owner> owner = readOwner(dir);
      if (owner.isPresent() && owner.get().isAlive() && !owner.get().isCurrentJvm()) {
        throw new DevStackException(
            "devstack: data directory "
                + dir
                + " is in use by the live process "
                + owner.get().pid
                + "; stop it or choose another directory");
      }
      if (owner.isPresent() && !owner.get().isAlive()) {
        stopOrphanedPostmaster(dir);
      }
      Files.writeString(dir.resolve(OWNER_FILE), Owner.current().serialize());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Deletes run directories under {@code root} whose owning JVM is gone, stopping their orphaned
   * postmasters first.
   *
   * @return the directories removed
   */
  public static List<Path> cleanStale(Path root) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<Path> removed = new java.util.ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, "run-*")) {
      for (Path dir : dirs) {
        Optional<Owner> owner = readOwner(dir);
        if (owner.isPresent() && owner.get().isAlive()) {
          continue;
        }
        if (owner.isEmpty() && isYoung(dir)) {
          continue; // being created right now by another JVM
        }
        log.info("devstack: cleaning stale run directory dir={} owner={}", dir, owner.orElse(null));
        stopOrphanedPostmaster(dir);
        deleteRecursively(dir);
        removed.add(dir);
      }
    } catch (IOException e) {
      log.warn("devstack: could not scan {} for stale run directories: {}", root, e.toString());
    }
    return removed;
  }

  /** Deletes a directory tree; missing files are ignored. */
  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  log.warn("devstack: could not delete {}: {}", p, e.toString());
                }
              });
    } catch (NoSuchFileException e) {
      // already gone
    } catch (IOException e) {
      log.warn("devstack: could not delete {}: {}", dir, e.toString());
    }
  }

  /** The pid in {@code <dir>/pg/postmaster.pid} if that process is a live postgres. */
  static Optional<ProcessHandle> livePostmaster(Path pgDataDir) {
    Path pidFile = pgDataDir.resolve("postmaster.pid");
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        return Optional.empty();
      }
      long pid = Long.parseLong(lines.get(0).trim());
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | NumberFormatException e) {
      log.warn("devstack: unreadable {}: {}", pidFile, e.toString());
      return Optional.empty();
    }
  }

  /** Sends SIGQUIT (immediate shutdown) to a postmaster and waits for it to exit. */
  static void quitPostmaster(ProcessHandle postmaster, Duration timeout) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-QUIT", Long.toString(postmaster.pid()))
              .redirectErrorStream(true)
              .start();
      kill.waitFor();
      postmaster.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn(
          "devstack: postmaster pid={} did not quit in {}; killing it", postmaster.pid(), timeout);
      postmaster.destroyForcibly();
    }
  }

  private static void stopOrphanedPostmaster(Path dir) {
    livePostmaster(dir.resolve(EmbeddedPostgresService.PG_DIR))
        .ifPresent(
            pm -> {
              log.warn(
                  "devstack: stopping orphaned postmaster pid={} of a dead JVM, dir={}",
                  pm.pid(),
                  dir);
              quitPostmaster(pm, Duration.ofSeconds(15));
            });
  }

  private static boolean isYoung(Path dir) {
    try {
      return Files.getLastModifiedTime(dir).toInstant().isAfter(Instant.now().minusSeconds(60));
    } catch (IOException e) {
      return false;
    }
  }

  private static Optional<Owner> readOwner(Path dir) {
    try {
      return Owner.parse(Files.readString(dir.resolve(OWNER_FILE)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** A JVM identified by pid and start time. */
  private static final class Owner {
    private final long pid;
    private final long startMillis;

    private Owner(long pid, long startMillis) {
      this.pid = pid;
      this.startMillis = startMillis;
    }

    static Owner current() {
      ProcessHandle self = ProcessHandle.current();
      return new Owner(self.pid(), startMillis(self));
    }

    static Optional<Owner> parse(String text) {
      String[] parts = text.trim().split(":");
      try {
        return Optional.of(new Owner(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }

    String serialize() {
      return pid + ":" + startMillis + "\n";
    }

    boolean isAlive() {
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .map(p -> startMillis(p) == startMillis)
          .orElse(false);
    }

    boolean isCurrentJvm() {
      return pid == ProcessHandle.current().pid();
    }

    private static long startMillis(ProcessHandle process) {
      return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    @Override
    public String toString() {
      return "pid " + pid;
    }
  }
}
