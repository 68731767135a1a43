package dev.relaybox.runtime;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/**
 * The Kafka connection options every operations command shares: {@code --bootstrap-servers} and, as
 * in Kafka's own tools, {@code --command-config} for client properties such as security settings. A
 * picocli mixin.
 */
final class KafkaOptions {
  @Option(
      names = "--bootstrap-servers",
      defaultValue = "${env:RELAYBOX_KAFKA_BOOTSTRAP_SERVERS}",
      required = true,
      description = "Kafka bootstrap servers (default: $RELAYBOX_KAFKA_BOOTSTRAP_SERVERS).")
  String bootstrapServers;

  @Option(
      names = "--command-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties (security.protocol, sasl.*, ssl.*), as for Kafka's tools.")
  Path commandConfig;

  /**
   * The client properties: the command-config file's, then the bootstrap servers.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read
   */
  Map<String, Object> client() {
    Map<String, Object> config = new LinkedHashMap<>();
    if (commandConfig != null) {
      Properties props = new Properties();
      try (Reader reader = Files.newBufferedReader(commandConfig, StandardCharsets.UTF_8)) {
        props.load(reader);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read --command-config " + commandConfig + ": " + e, e);
      }
      props.stringPropertyNames().forEach(k -> config.put(k, props.getProperty(k)));
    }
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return config;
  }
}
