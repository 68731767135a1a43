package dev.relaybox.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The production jar, as packaged: the runtime and its libraries, nothing of the dev stack. */
class RuntimeJarIT {

  private static final Path JAR = Path.of("target", "relaybox.jar");

  /** Packages of the dev stack, the demo and test frameworks, as jar entry prefixes. */
  private static final List<String> FORBIDDEN =
      List.of(
          "kafka/server/",
          "kafka/Kafka",
          "io/zonky/",
          "org/junit/",
          "org/testcontainers/",
          "com/icegreen/",
          "org/assertj/",
          "dev/relaybox/devstack/",
          "dev/relaybox/examples/",
          "dev/relaybox/dev/");

  @Test
  void containsTheRuntimeAndNoDevStackDemoOrTestFramework() throws Exception {
    assertThat(JAR).exists();
    try (JarFile jar = new JarFile(JAR.toFile())) {
      List<String> names = jar.stream().map(ZipEntry::getName).toList();
      assertThat(names)
          .contains(
              "dev/relaybox/runtime/RelayboxCli.class",
              "dev/relaybox/relay/Relay.class",
              "dev/relaybox/consumers/host/ServiceHost.class");
      for (String prefix : FORBIDDEN) {
        assertThat(names).as("entries under %s", prefix).noneMatch(n -> n.startsWith(prefix));
      }
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo(RelayboxCli.class.getName());
    }
    // The 0.1 jar with the dev stack was 110 MB; print the size for the release notes.
    System.out.printf("relaybox.jar: %.1f MB%n", Files.size(JAR) / 1e6);
    assertThat(Files.size(JAR)).isLessThan(80_000_000L);
  }
}
