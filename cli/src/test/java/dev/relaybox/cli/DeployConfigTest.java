package dev.relaybox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.consumers.app.ConsumersConfig;
import dev.relaybox.relay.RelayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The service configs docker-compose.yml mounts are valid for the services that read them. */
class DeployConfigTest {
  private static final Path DEPLOY = Path.of("..", "deploy");

  @Test
  void relayPropertiesAreAcceptedByTheRelay() throws Exception {
    RelayConfig config = RelayConfig.builder().load(DEPLOY.resolve("relay.properties")).build();
    assertThat(config.pgHost()).isEqualTo("postgres");
    assertThat(config.kafkaBootstrapServers()).isEqualTo("kafka:9092");
  }

  @Test
  void consumersPropertiesAreAcceptedByTheConsumerServices() throws Exception {
    ConsumersConfig config =
        ConsumersConfig.builder().load(DEPLOY.resolve("consumers.properties")).build();
    assertThat(config.services()).containsExactlyInAnyOrder("payments", "email", "fulfillment");
    assertThat(config.get(ConsumersConfig.PAYMENTS_GATEWAY_URL)).isEqualTo("http://peers:8090");
  }

  @Test
  void composeMountsTheseFilesAndRunsCommandsTheCliHas() throws Exception {
    String compose = Files.readString(DEPLOY.resolveSibling("docker-compose.yml"));
    assertThat(compose)
        .contains("./deploy/relay.properties:/etc/relaybox/relay.properties:ro")
        .contains("./deploy/consumers.properties:/etc/relaybox/consumers.properties:ro");
    for (String command : new String[] {"relay", "consumers", "peers", "outbox"}) {
      assertThat(compose).contains("command: [\"" + command + "\"");
      assertThat(RelayboxCli.commandLine().getSubcommands()).containsKey(command);
    }
  }
}
