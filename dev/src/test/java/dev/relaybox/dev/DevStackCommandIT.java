package dev.relaybox.dev;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.consumers.host.HostConfig;
import dev.relaybox.relay.RelayConfig;
import dev.relaybox.runtime.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code relaybox devstack --config-dir}: the written files configure the two services. */
class DevStackCommandIT {

  @Test
  void writesServiceConfigsThatTheRelayAndTheConsumersAccept(@TempDir Path dir) throws Exception {
    Path configs = dir.resolve("dev");
    CliRun run =
        CliRun.on(RelayboxDev.commandLine(), "devstack", "--config-dir", configs.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("service configs");
    RelayConfig relay = RelayConfig.builder().load(configs.resolve("relay.properties")).build();
    HostConfig consumers = HostConfig.fromFile(configs.resolve("consumers.properties")).build();
    assertThat(relay.get(CommonSettings.PG_HOST)).isEqualTo("127.0.0.1");
    assertThat(relay.get(CommonSettings.KAFKA_BOOTSTRAP_SERVERS)).startsWith("127.0.0.1:");
    assertThat(consumers.get(CommonSettings.PG_PORT)).isEqualTo(relay.get(CommonSettings.PG_PORT));
    assertThat(consumers.get(CommonSettings.SCHEMA_REGISTRY_URL)).startsWith("http://127.0.0.1:");
    assertThat(consumers.value("email.smtp.port")).isNotBlank();
    assertThat(consumers.value("payments.gateway.url")).startsWith("http://127.0.0.1:");
  }
}
