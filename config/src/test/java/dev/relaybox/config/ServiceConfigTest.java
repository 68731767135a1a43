package dev.relaybox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceConfigTest {

  static final Setting<Integer> PORT =
      Setting.integer("demo.port", 1, 65535).defaultValue("80").doc("the port").build();
  static final Setting<String> PASSWORD =
      Setting.text("demo.password").optional().doc("the password").build();
  static final Setting<String> NAME = Setting.text("demo.name").doc("required name").build();
  static final Setting<Duration> WAIT =
      Setting.millis("demo.wait.ms", 1, 1000).defaultValue("10").doc("a wait").build();

  static final Settings SETTINGS =
      Settings.builder("demo", "demo/README.md")
          .add(PORT, PASSWORD, NAME, WAIT)
          .passThrough("lib.", "passed to the library")
          .build();

  /** The smallest service config: four settings, one pass-through prefix. */
  static final class DemoConfig extends ServiceConfig {
    private DemoConfig(ServiceProperties values) {
      super(SETTINGS, values);
    }

    static Builder builder() {
      return new Builder();
    }

    static final class Builder extends ServiceConfig.Builder<Builder> {
      private Builder() {
        super(SETTINGS);
      }

      Builder port(int port) {
        return set(PORT, Integer.toString(port));
      }

      DemoConfig build() {
        return new DemoConfig(properties());
      }
    }
  }

  @Test
  void valuesComeFromDefaultsFileEnvironmentAndSetters(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("demo.properties");
    Files.writeString(file, "demo.port=81\nlib.x=1\ndemo.name=n\n");
    DemoConfig config =
        DemoConfig.builder()
            .load(file)
            .overrideFromEnvironment(Map.of("RELAYBOX_DEMO_PASSWORD", "pw-123")::get)
            .port(82) // a service setter after an inherited one: the builder type is kept
            .build();
    assertThat(config.get(PORT)).isEqualTo(82);
    assertThat(config.get(WAIT)).isEqualTo(Duration.ofMillis(10));
    assertThat(config.get(PASSWORD)).isEqualTo("pw-123");
    assertThat(config.withPrefix("lib.")).containsEntry("x", "1");
    assertThat(config.toString())
        .isEqualTo(
            "DemoConfig{demo.name=n, demo.password=****, demo.port=82, demo.wait.ms=10, lib.x=1}");
  }

  @Test
  void aMisspelledKeyIsReportedAsUnknownBeforeAnyMissingRequiredKey() {
    assertThatThrownBy(() -> DemoConfig.builder().set("demo.prot", "1").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("demo: unknown property 'demo.prot'; did you mean 'demo.port'?");
  }

  @Test
  void aMissingRequiredKeyNamesItsEnvironmentVariable() {
    assertThatThrownBy(() -> DemoConfig.builder().build())
        .hasMessage(
            "demo: property 'demo.name' is required: set it in the file or as RELAYBOX_DEMO_NAME");
  }

  @Test
  void aBadValueNamesKeyExpectationAndValueButNeverASecret() {
    assertThatThrownBy(() -> DemoConfig.builder().set("demo.name", "n").port(0).build())
        .hasMessage("demo: property 'demo.port' must be an integer between 1 and 65535, was '0'");
    Setting<Integer> secret = Setting.integer("demo.token", 1, 2).defaultValue("1").build();
    assertThatThrownBy(() -> secret.parse("hunter2"))
        .hasMessage("property 'demo.token' must be an integer between 1 and 2, was a secret value");
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> DemoConfig.builder().load(missing))
        .isInstanceOf(IOException.class)
        .hasMessage("configuration file " + missing.toAbsolutePath() + " does not exist");
  }

  @Test
  void askingForAForeignSettingFails() {
    DemoConfig config = DemoConfig.builder().set("demo.name", "n").build();
    Setting<String> foreign = Setting.text("other.key").defaultValue("x").build();
    assertThatThrownBy(() -> config.get(foreign))
        .hasMessage("'other.key' is not a setting of DemoConfig");
  }

  @Test
  void theReadmeTableListsEverySettingAndPrefix() {
    assertThat(SETTINGS.markdownTable())
        .isEqualTo(
            "| key | default | meaning |\n"
                + "| --- | --- | --- |\n"
                + "| `demo.port` | `80` | the port |\n"
                + "| `demo.password` | empty | the password |\n"
                + "| `demo.name` | (required) | required name |\n"
                + "| `demo.wait.ms` | `10` | a wait |\n"
                + "| `lib.*` | | passed to the library |\n");
  }
}
