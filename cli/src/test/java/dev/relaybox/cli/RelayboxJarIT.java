package dev.relaybox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the packaged jar the way a newcomer does: {@code java -jar cli/target/relaybox.jar}. */
class RelayboxJarIT {

  @Test
  void devstackSmokeStartsPrintsEndpointsAndStops() throws Exception {
    Path jar = Path.of("target", "relaybox.jar");
    assertThat(jar).exists();
    Process process =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m",
                "-jar",
                jar.toString(),
                "devstack")
            .redirectErrorStream(true)
            .start();
    boolean exited = process.waitFor(3, TimeUnit.MINUTES);
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!exited) {
      process.destroyForcibly();
    }
    Files.writeString(Path.of("target", "relaybox-devstack-smoke.txt"), output);
    assertThat(exited).as("exited in time; output:%n%s", output).isTrue();
    assertThat(process.exitValue()).as("exit code; output:%n%s", output).isZero();
    assertThat(output)
        .contains("postgres jdbc url  jdbc:postgresql://127.0.0.1:")
        .contains("kafka bootstrap    127.0.0.1:")
        .containsPattern("ready in +\\d+ ms")
        .contains("Stopped.");
  }
}
