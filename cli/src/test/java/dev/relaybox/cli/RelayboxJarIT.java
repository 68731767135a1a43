package dev.relaybox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the packaged jar the way the README's first command does. */
class RelayboxJarIT {

  @Test
  void demoRunsTheWholePipelineAndVerifiesIt() throws Exception {
    Output result = run("demo", "--orders", "40", "--rate", "40", "--outage", "2s");
    assertThat(result.exit).as("exit code; output:%n%s", result.text).isZero();
    assertThat(result.text)
        .contains("Dev stack ready in")
        .contains("payment gateway DOWN for 2 s")
        .containsPattern("fulfilled +\\d+")
        .containsPattern("out of stock +4 +4 +4 +0 +8 +0 +0")
        .contains("OK: every order got each effect exactly once. 0 lost, 0 doubled.");
  }

  @Test
  void devstackSmokeStartsPrintsEndpointsAndStops() throws Exception {
    Output result = run("devstack");
    assertThat(result.exit).as("exit code; output:%n%s", result.text).isZero();
    assertThat(result.text)
        .contains("postgres jdbc url  jdbc:postgresql://127.0.0.1:")
        .contains("kafka bootstrap    127.0.0.1:")
        .contains("schema registry    http://127.0.0.1:")
        .containsPattern("ready in +\\d+ ms")
        .contains("Stopped.");
  }

  private record Output(int exit, String text) {}

  private static Output run(String... args) throws Exception {
    Path jar = Path.of("target", "relaybox.jar");
    assertThat(jar).exists();
    java.util.List<String> command =
        new java.util.ArrayList<>(
            java.util.List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx768m",
                "-jar",
                jar.toString()));
    command.addAll(java.util.List.of(args));
    Path log = Files.createTempFile(Path.of("target"), "relaybox-" + args[0], ".txt");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = process.waitFor(5, TimeUnit.MINUTES);
    if (!exited) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    String text = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(exited).as("exited in time; output:%n%s", text).isTrue();
    return new Output(process.exitValue(), text);
  }
}
