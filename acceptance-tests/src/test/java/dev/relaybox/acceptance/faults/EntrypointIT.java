package dev.relaybox.acceptance.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images' entrypoint ({@code deploy/relaybox.sh}) with a real relay: the first start writes a
 * class-data sharing archive when it stops gracefully, the next start loads the relay's classes
 * from it, a SIGKILLed start leaves it as it was, and other jars train an archive of their own.
 */
@ExtendWith(DevStackExtension.class)
class EntrypointIT {
  private static final Duration READY = Duration.ofMinutes(2);

  @Test
  void aGracefulStopWritesTheArchiveAndTheNextStartLoadsFromIt(DevStack stack, @TempDir Path dir)
      throws Exception {
    Path cds = dir.resolve("cds");
    try (DemoPipeline pipeline =
        DemoPipeline.builder(stack).isolated().startServices(false).start()) {
      pipeline.stopRelay();
      ServiceProcess relay =
          new DeployedServices(pipeline, dir)
              .relay(
                  "relay",
                  Map.of(),
                  ServiceProcess.Launch.entrypoint(
                      cds, "-Xlog:class+load=info:file=" + dir.resolve("classes-%p.log")));

      relay.start();
      awaitReady(relay);
      assertThat(relay.log()).content().contains("is written when this relay stops gracefully");
      relay.stop();
      List<Path> archives = archives(cds);
      assertThat(archives).hasSize(1);
      Path archive = archives.get(0);
      assertThat(archive.getFileName().toString()).startsWith("relay-").endsWith(".jsa");
      assertThat(Files.size(archive)).isGreaterThan(1_000_000L);

      relay.start();
      long pid = relay.pid();
      awaitReady(relay);
      assertThat(relay.log()).content().contains("class-data sharing from " + archive);
      // The dynamic archive is the "top" layer above the JDK's own.
      assertThat(dir.resolve("classes-" + pid + ".log"))
          .content()
          .containsPattern("dev\\.relaybox\\.relay\\.Relay source: shared objects file \\(top\\)");
      relay.kill();
      assertThat(archives(cds)).containsExactly(archive);

      // A jar more on the class path: another fingerprint, a new archive to train.
      writeEmptyJar(dir.resolve("home").resolve("lib").resolve("extra.jar"));
      relay.start();
      await()
          .atMost(READY)
          .untilAsserted(
              () ->
                  assertThat(relay.log())
                      .content()
                      .contains("is written when this relay stops gracefully")
                      .doesNotContain(archive.toString()));
      relay.kill();
    }
  }

  private static void awaitReady(ServiceProcess relay) {
    await().atMost(READY).until(() -> relay.readyStatus() == 200 || !relay.isAlive());
    assertThat(relay.isAlive()).as("relay running, see %s", relay.log()).isTrue();
  }

  private static List<Path> archives(Path cds) throws IOException {
    try (Stream<Path> files = Files.list(cds)) {
      return files.filter(f -> f.toString().endsWith(".jsa")).toList();
    }
  }

  private static void writeEmptyJar(Path jar) throws IOException {
    Files.createDirectories(jar.getParent());
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream ignored = new JarOutputStream(out, manifest)) {
      // a manifest only
    }
  }
}
