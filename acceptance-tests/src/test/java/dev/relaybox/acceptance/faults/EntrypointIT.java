package dev.relaybox.acceptance.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images' entrypoint ({@code deploy/relaybox.sh}) with a real relay: the first start writes a
 * class-data sharing archive when it stops gracefully, the next start loads the relay's classes
 * from it, a SIGKILLed start leaves it as it was, and other jars train an archive of their own. On
 * a JDK 25+ (when this machine has one) the same with the ahead-of-time cache.
 */
@ExtendWith(DevStackExtension.class)
class EntrypointIT {
  private static final Duration READY = Duration.ofMinutes(2);
  private static final Path JVMS = Path.of("/usr/lib/jvm");

  @Test
  void aGracefulStopWritesTheArchiveAndTheNextStartLoadsFromIt(DevStack stack, @TempDir Path dir)
      throws Exception {
    Path cds = dir.resolve("cds");
    try (DemoPipeline pipeline =
            DemoPipeline.builder(stack).isolated().startServices(false).start();
        ServiceProcess relay = relay(pipeline, dir, cds, null)) {
      relay.start();
      awaitReady(relay);
      assertThat(relay.log()).content().contains("is written when this relay stops gracefully");
      relay.stop();
      List<Path> archives = files(cds, ".jsa");
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
      assertThat(files(cds, ".jsa")).containsExactly(archive);

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

  @Test
  void onJdk25TheEntrypointWritesAndUsesTheAheadOfTimeCache(DevStack stack, @TempDir Path dir)
      throws Exception {
    Path java = jdk25OrLater();
    assumeTrue(java != null, "no JDK 25 or later in " + JVMS + " or -Drelaybox.test.jdk25");
    Path cds = dir.resolve("cds");
    try (DemoPipeline pipeline =
            DemoPipeline.builder(stack).isolated().startServices(false).start();
        ServiceProcess relay = relay(pipeline, dir, cds, java)) {
      relay.start();
      awaitReady(relay);
      assertThat(relay.log()).content().contains("ahead-of-time cache: ");
      relay.stop(); // returns once the JVM has written the cache
      List<Path> caches = files(cds, ".aot");
      assertThat(caches).hasSize(1);
      assertThat(Files.size(caches.get(0))).isGreaterThan(1_000_000L);
      assertThat(files(cds, ".jsa")).isEmpty();

      relay.start();
      long pid = relay.pid();
      awaitReady(relay);
      assertThat(relay.log()).content().contains("ahead-of-time cache from " + caches.get(0));
      assertThat(dir.resolve("classes-" + pid + ".log"))
          .content()
          .containsPattern("dev\\.relaybox\\.relay\\.Relay source: shared objects file");
      relay.kill();

      // A stop cut short while the JVM wrote the cache leaves its configuration file: train again.
      Path cache = caches.get(0);
      Files.writeString(cache.resolveSibling(cache.getFileName() + ".config"), "cut short");
      relay.start();
      awaitReady(relay);
      assertThat(relay.log()).content().contains("ahead-of-time cache: " + cache + " is written");
      assertThat(cache).doesNotExist();
      relay.kill();
    }
  }

  /** A JDK 25+ launcher: {@code -Drelaybox.test.jdk25=<java home>}, else one in /usr/lib/jvm. */
  private static Path jdk25OrLater() throws IOException {
    String given = System.getProperty("relaybox.test.jdk25");
    if (given != null && !given.isBlank()) {
      return Path.of(given, "bin", "java");
    }
    if (!Files.isDirectory(JVMS)) {
      return null;
    }
    try (Stream<Path> homes = Files.list(JVMS)) {
      return homes
          .filter(home -> featureVersion(home.resolve("release")) >= 25)
          .map(home -> home.resolve("bin").resolve("java"))
          .filter(Files::isExecutable)
          .findFirst()
          .orElse(null);
    }
  }

  /** JAVA_VERSION's feature number in a JDK's release file, or 0. */
  private static int featureVersion(Path release) {
    try {
      Matcher m =
          Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE)
              .matcher(Files.readString(release));
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * The pipeline's relay, stopped and replaced by one started through the entrypoint with archives
   * in {@code cds}, a class-load log per process in {@code dir}, and {@code java} (null: this
   * JVM's).
   */
  private static ServiceProcess relay(DemoPipeline pipeline, Path dir, Path cds, Path java)
      throws IOException {
    pipeline.stopRelay();
    ServiceProcess.Launch launch =
        ServiceProcess.Launch.entrypoint(
            cds, "-Xlog:class+load=info:file=" + dir.resolve("classes-%p.log"));
    return new DeployedServices(pipeline, dir)
        .relay("relay", Map.of(), java == null ? launch : launch.withJava(java));
  }

  private static void awaitReady(ServiceProcess relay) {
    await().atMost(READY).until(() -> relay.readyStatus() == 200 || !relay.isAlive());
    assertThat(relay.isAlive()).as("relay running, see %s", relay.log()).isTrue();
  }

  private static List<Path> files(Path cds, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(cds)) {
      return files.filter(f -> f.toString().endsWith(suffix)).toList();
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
