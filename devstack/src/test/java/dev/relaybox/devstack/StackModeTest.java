package dev.relaybox.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StackModeTest {

  @Test
  void autoPicksContainersOnlyWhenDockerAnswers() {
    assertThat(StackMode.resolve(null, () -> true)).isEqualTo(StackMode.CONTAINERS);
    assertThat(StackMode.resolve(null, () -> false)).isEqualTo(StackMode.EMBEDDED);
    assertThat(StackMode.resolve("auto", () -> true)).isEqualTo(StackMode.CONTAINERS);
    assertThat(StackMode.resolve("  AUTO ", () -> false)).isEqualTo(StackMode.EMBEDDED);
    assertThat(StackMode.resolve("", () -> false)).isEqualTo(StackMode.EMBEDDED);
  }

  @Test
  void explicitModeWinsAndDoesNotProbeDocker() {
    AtomicInteger probes = new AtomicInteger();
    assertThat(StackMode.resolve("embedded", () -> probes.incrementAndGet() > 0))
        .isEqualTo(StackMode.EMBEDDED);
    assertThat(StackMode.resolve("Containers", () -> probes.incrementAndGet() > 0))
        .isEqualTo(StackMode.CONTAINERS);
    assertThat(StackMode.resolve("testcontainers", () -> false)).isEqualTo(StackMode.CONTAINERS);
    assertThat(probes).hasValue(0);
  }

  @Test
  void unknownModeIsRejectedWithTheAllowedValues() {
    assertThatThrownBy(() -> StackMode.resolve("docker", () -> true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("relaybox.devstack=docker")
        .hasMessageContaining("auto, embedded or containers");
  }
}
