package dev.relaybox.acceptance.faults;

import dev.relaybox.dev.DemoPipeline;
import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A pipeline's relay and consumers host as deployed services ({@link ServiceProcess}): each with a
 * configuration file in {@code dir} that holds no secret (the passwords go to the environment, as
 * in production) and a free HTTP port on 127.0.0.1. The relay runs from the production jar, the
 * host from the dev jar, which adds the example's services.
 */
final class DeployedServices {
  private static final Path RELAY_JAR = Path.of("..", "runtime", "target", "relaybox.jar");
  private static final Path DEV_JAR = Path.of("..", "dev", "target", "relaybox-dev.jar");

  private final DemoPipeline pipeline;
  private final Path dir;

  DeployedServices(DemoPipeline pipeline, Path dir) {
    this.pipeline = pipeline;
    this.dir = dir;
  }

  /** A relay of the pipeline's relay name (relays of one name are active and standbys). */
  ServiceProcess relay(String name, Map<String, String> overrides, ServiceProcess.Launch launch)
      throws IOException {
    Map<String, String> relay = new LinkedHashMap<>(pipeline.relayProperties());
    Map<String, String> env =
        Map.of("RELAYBOX_PG_PASSWORD", relay.remove("pg.password"), "RELAYBOX_LOG_LEVEL", "INFO");
    relay.put("http.host", "127.0.0.1");
    int port = freePort();
    relay.put("http.port", Integer.toString(port));
    relay.putAll(overrides);
    return new ServiceProcess(name, RELAY_JAR, "relay", write(name, relay), env, port, dir, launch);
  }

  /** The consumers host with the example's payments, email and fulfillment services. */
  ServiceProcess consumers(String name, Map<String, String> overrides, ServiceProcess.Launch launch)
      throws IOException {
    Map<String, String> host = new LinkedHashMap<>(pipeline.hostProperties());
    Map<String, String> env =
        Map.of(
            "RELAYBOX_PG_PASSWORD", host.remove("pg.password"),
            "RELAYBOX_EMAIL_PASSWORD", host.remove("email.password"),
            "RELAYBOX_LOG_LEVEL", "INFO");
    int port = freePort();
    host.put("http.port", Integer.toString(port));
    host.putAll(overrides);
    return new ServiceProcess(
        name, DEV_JAR, "consumers", write(name, host), env, port, dir, launch);
  }

  private Path write(String name, Map<String, String> values) throws IOException {
    Path file = dir.resolve(name + ".properties");
    Properties properties = new Properties();
    properties.putAll(values);
    try (Writer w = Files.newBufferedWriter(file)) {
      properties.store(w, name + " (secrets are in the environment)");
    }
    return file;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
