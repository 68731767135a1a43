package dev.relaybox.schemas.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fixture project whose contract change breaks its released version: {@code ./mvnw verify} fails,
 * and the report names the field and the rule. The fixture runs the gate as an application's build
 * does (exec-maven-plugin, process-classes) through this repository's Maven wrapper, offline, with
 * this test's classpath as the gate's: no Relaybox artifact needs installing, and a run takes a few
 * seconds.
 */
class CompatibilityGateBuildIT {

  @TempDir Path dir;

  @Test
  void anIncompatibleContractChangeFailsTheBuildNamingTheFieldAndTheRule() throws Exception {
    Build build = verify("--level=BACKWARD_TRANSITIVE");

    assertThat(build.exitCode).as(build.output).isNotZero();
    assertThat(build.output)
        .contains("Contract compatibility gate failed")
        .contains("contract fixture.events.Order vs released v1.avsc")
        .contains("field 'quantity' READER_FIELD_MISSING_DEFAULT_VALUE")
        .contains("BUILD FAILURE");
  }

  @Test
  void theSameChangePassesAtTheLevelItKeeps() throws Exception {
    Build build = verify("--level=FORWARD_TRANSITIVE");

    assertThat(build.exitCode).as(build.output).isZero();
    assertThat(build.output).contains("Contract compatibility gate passed (FORWARD_TRANSITIVE)");
  }

  private record Build(int exitCode, String output) {}

  private Build verify(String level) throws Exception {
    Path fixture = dir.resolve("fixture");
    copy(Path.of("src/test/resources/gate-fixture"), fixture);
    Path wrapper = Path.of("..", "mvnw").toAbsolutePath().normalize();
    List<String> command = new ArrayList<>();
    command.add(wrapper.toString());
    command.addAll(
        List.of(
            "-B",
            "-o",
            "-f",
            fixture.resolve("pom.xml").toString(),
            "verify",
            "-Dgate.classpath=" + System.getProperty("java.class.path"),
            "-Dgate.level=" + level));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("MAVEN_OPTS", "-Xmx256m");
    builder.environment().remove("MAVEN_ARGS");
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("the fixture build did not finish within 5 minutes");
    }
    return new Build(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }
}
