package dev.relaybox.devstack.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerProbeTest {
  @TempDir Path dir;

  @Test
  void noEndpointAnywhereMeansNoDocker() {
    assertThat(DockerProbe.hasDockerEndpoint(null, dir.resolve("sock"), dir.resolve("tc")))
        .isFalse();
    assertThat(DockerProbe.hasDockerEndpoint(" ", dir.resolve("sock"), dir.resolve("tc")))
        .isFalse();
  }

  @Test
  void anyConfiguredEndpointIsWorthAskingTestcontainers() throws Exception {
    assertThat(DockerProbe.hasDockerEndpoint("tcp://127.0.0.1:2375", dir.resolve("s"), dir))
        .isTrue();
    Path socket = Files.createFile(dir.resolve("docker.sock"));
    assertThat(DockerProbe.hasDockerEndpoint(null, socket, dir.resolve("tc"))).isTrue();
    Path config = Files.createFile(dir.resolve(".testcontainers.properties"));
    assertThat(DockerProbe.hasDockerEndpoint(null, dir.resolve("none"), config)).isTrue();
  }
}
