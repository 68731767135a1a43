package dev.relaybox.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.config.Settings;
import dev.relaybox.consumers.host.ConsumerService;
import dev.relaybox.consumers.host.HostConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The four services are found by the host and their settings are documented. */
class OrderServicesSettingsTest {

  @Test
  void theHostFindsTheFourServices() {
    assertThat(HostConfig.discover())
        .extracting(ConsumerService::name)
        .containsExactlyInAnyOrder("orders", "payments", "email", "fulfillment");
  }

  @Test
  void theReadmeListsEveryServiceSetting() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (ConsumerService service : HostConfig.discover()) {
      String table = Settings.builder("x", "y").addAll(service.settings()).build().markdownTable();
      assertThat(readme)
          .as("examples/orders/README.md must contain the table of %s:%n%s", service.name(), table)
          .contains("### " + service.name() + "\n\n" + table);
    }
  }
}
