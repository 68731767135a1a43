package dev.relaybox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceConfigTest {

  /** The smallest service config: one documented key, one secret, one pass-through prefix. */
  static final class DemoConfig extends ServiceConfig {
    private DemoConfig(ServiceProperties values) {
      super(values);
    }

    static Builder builder() {
      return new Builder();
    }

    int port() {
      return getInt("demo.port");
    }

    static final class Builder extends ServiceConfig.Builder<Builder> {
      private Builder() {
        super(
            ServiceProperties.builder(Map.of("demo.port", "80", "demo.password", ""))
                .passThroughPrefixes("lib."));
      }

      Builder port(int port) {
        return set("demo.port", Integer.toString(port));
      }

      DemoConfig build() {
        return new DemoConfig(values.build());
      }
    }
  }

  @Test
  void inheritedSettersChainWithTheServiceBuilder(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("demo.properties");
    Files.writeString(file, "demo.port=81\nlib.x=1\n");
    DemoConfig config =
        DemoConfig.builder()
            .load(file)
            .overrideFromEnvironment(Map.of("RELAYBOX_DEMO_PASSWORD", "pw-123")::get)
            .port(82) // a service setter after an inherited one: the builder type is kept
            .build();
    assertThat(config.port()).isEqualTo(82);
    assertThat(config.get("demo.password")).isEqualTo("pw-123");
    assertThat(config.withPrefix("lib.")).containsEntry("x", "1");
    assertThat(config.toString())
        .isEqualTo("DemoConfig{demo.password=****, demo.port=82, lib.x=1}");
    assertThat(DemoConfig.environmentName("demo.port")).isEqualTo("RELAYBOX_DEMO_PORT");
  }

  @Test
  void unknownKeysAreRejectedByTheServiceBuild() {
    assertThatThrownBy(() -> DemoConfig.builder().set("demo.prot", "1").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown property 'demo.prot': did you mean 'demo.port'?");
  }
}
