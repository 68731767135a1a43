package dev.relaybox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.consumers.app.ConsumersConfig;
import dev.relaybox.relay.RelayConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code relaybox devstack --config-dir}: the written files configure the two services. */
class DevStackCommandIT {

  @Test
  void writesServiceConfigsThatTheRelayAndTheConsumersAccept(@TempDir Path dir) throws Exception {
    Path configs = dir.resolve("dev");
    CliRun run = CliRun.of("devstack", "--config-dir", configs.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("service configs");
    RelayConfig relay = RelayConfig.builder().load(configs.resolve("relay.properties")).build();
    ConsumersConfig consumers =
        ConsumersConfig.builder().load(configs.resolve("consumers.properties")).build();
    assertThat(relay.pgHost()).isEqualTo("127.0.0.1");
    assertThat(relay.kafkaBootstrapServers()).startsWith("127.0.0.1:");
    assertThat(consumers.get(ConsumersConfig.PG_PORT)).isEqualTo(Integer.toString(relay.pgPort()));
    assertThat(consumers.get(ConsumersConfig.SCHEMA_REGISTRY_URL)).startsWith("http://127.0.0.1:");
    assertThat(consumers.get(ConsumersConfig.MAIL_SMTP_PORT)).isNotBlank();
    assertThat(consumers.get(ConsumersConfig.PAYMENTS_GATEWAY_URL)).startsWith("http://127.0.0.1:");
  }
}
