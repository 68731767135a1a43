package dev.relaybox.devstack.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;

/** Whether a Docker engine answers, as Testcontainers sees it. */
final class DockerProbe {
  private DockerProbe() {}

  static boolean isDockerAvailable() {
    // Testcontainers logs an ERROR for every strategy it tries; skip it when nothing can answer.
    if (!hasDockerEndpoint(
        System.getenv("DOCKER_HOST"),
        Path.of("/var/run/docker.sock"),
        Path.of(System.getProperty("user.home"), ".testcontainers.properties"))) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** Whether any place Testcontainers would look for an engine is configured. */
  static boolean hasDockerEndpoint(String dockerHost, Path socket, Path testcontainersConfig) {
    return (dockerHost != null && !dockerHost.isBlank())
        || Files.exists(socket)
        || Files.exists(testcontainersConfig);
  }
}
