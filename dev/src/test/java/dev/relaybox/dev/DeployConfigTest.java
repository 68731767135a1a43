package dev.relaybox.dev;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.consumers.host.ConsumerService;
import dev.relaybox.consumers.host.HostConfig;
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
    assertThat(config.get(CommonSettings.PG_HOST)).isEqualTo("postgres");
    assertThat(config.get(CommonSettings.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("kafka:9092");
  }

  @Test
  void consumersPropertiesAreAcceptedByTheExampleServices() throws Exception {
    HostConfig config = HostConfig.fromFile(DEPLOY.resolve("consumers.properties")).build();
    assertThat(config.services())
        .extracting(ConsumerService::name)
        .containsExactly("orders", "payments", "email", "fulfillment");
    assertThat(config.value("payments.gateway.url")).isEqualTo("http://peers:8090");
  }

  @Test
  void composeMountsTheseFilesAndRunsCommandsTheJarsHave() throws Exception {
    String compose = Files.readString(DEPLOY.resolveSibling("docker-compose.yml"));
    assertThat(compose)
        .contains("./deploy/relay.properties:/etc/relaybox/relay.properties:ro")
        .contains("./deploy/consumers.properties:/etc/relaybox/consumers.properties:ro");
    for (String command : new String[] {"relay", "consumers", "peers", "outbox"}) {
      assertThat(compose).contains("command: [\"" + command + "\"");
      assertThat(RelayboxDev.commandLine().getSubcommands()).containsKey(command);
    }
  }

  @Test
  void theProductionImageCopiesOnlyTheRuntimeJar() throws Exception {
    String dockerfile = Files.readString(DEPLOY.resolveSibling("Dockerfile"));
    assertThat(dockerfile)
        .contains("COPY runtime/target/relaybox.jar")
        .doesNotContain("relaybox-dev.jar")
        .doesNotContain("examples/");
  }
}
