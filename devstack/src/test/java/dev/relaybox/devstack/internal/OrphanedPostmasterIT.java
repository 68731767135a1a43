package dev.relaybox.devstack.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackException;
import dev.relaybox.devstack.StackMode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test JVM killed with SIGKILL leaves its postmaster running; the next stack must find and stop
 * it, and delete the stale directory.
 */
class OrphanedPostmasterIT {

  @TempDir Path root;

  /** Child JVM: starts Postgres in the given run directory, reports it, then waits to be killed. */
  public static void main(String[] args) throws Exception {
    DevStack stack =
        DevStack.builder()
            .mode(StackMode.EMBEDDED)
            .dataDirectory(Path.of(args[0]))
            .kafka(false)
            .schemaRegistry(false)
            .start();
    System.out.println("READY " + stack.postgres().port());
    System.out.flush();
    Thread.currentThread().join();
  }

  @Test
  void aKilledJvmsPostmasterIsStoppedAndItsDirectoryCleaned() throws Exception {
    Path runDir = root.resolve("run-orphan");
    Process child =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                OrphanedPostmasterIT.class.getName(),
                runDir.toString())
            .redirectErrorStream(true)
            .start();
    String ready = awaitLine(child, "READY ", Duration.ofSeconds(90));
    assertThat(ready).as("child output").startsWith("READY ");

    ProcessHandle postmaster =
        RunDirectories.livePostmaster(runDir.resolve(EmbeddedPostgresService.PG_DIR)).orElseThrow();
    child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    assertThat(postmaster.isAlive()).as("postmaster orphaned by SIGKILL").isTrue();

    List<Path> removed = RunDirectories.cleanStale(root);

    assertThat(removed).containsExactly(runDir);
    await().atMost(Duration.ofSeconds(30)).until(() -> !postmaster.isAlive());
    assertThat(Files.exists(runDir)).isFalse();
  }

  @Test
  void aDirectoryOwnedByALiveProcessIsRefusedWithAClearMessage() throws Exception {
    Path runDir = Files.createDirectories(root.resolve("run-busy"));
    Process other = new ProcessBuilder("sleep", "60").start();
    try {
      long start = other.info().startInstant().orElseThrow().toEpochMilli();
      Files.writeString(runDir.resolve(RunDirectories.OWNER_FILE), other.pid() + ":" + start);
      assertThat(RunDirectories.cleanStale(root)).isEmpty();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunDirectories.claim(runDir))
          .isInstanceOf(DevStackException.class)
          .hasMessageContaining("in use by the live process " + other.pid());
    } finally {
      other.destroyForcibly();
    }
  }

  private static String awaitLine(Process process, String prefix, Duration timeout)
      throws Exception {
    CompletableFuture<String> line =
        CompletableFuture.supplyAsync(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                StringBuilder all = new StringBuilder();
                for (String l = reader.readLine(); l != null; l = reader.readLine()) {
                  if (l.startsWith(prefix)) {
                    return l;
                  }
                  all.append(l).append('\n');
                }
                return all.toString();
              } catch (java.io.IOException e) {
                return e.toString();
              }
            });
    return line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
