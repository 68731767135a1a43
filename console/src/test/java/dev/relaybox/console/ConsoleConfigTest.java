package dev.relaybox.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.console.internal.ConsoleSettings;
import dev.relaybox.console.internal.ConsoleSettings.GroupSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleConfigTest {

  private static ConsoleConfig.Builder minimal() {
    return ConsoleConfig.builder()
        .set("kafka.bootstrap.servers", "127.0.0.1:9092")
        .set("schema.registry.url", "http://127.0.0.1:8081")
        .set("pg.database", "app")
        .set("pg.user", "console");
  }

  @Test
  void theReadmeListsEverySetting() throws Exception {
    String table = ConsoleConfig.settings(List.of("<group>")).markdownTable();
    assertThat(Files.readString(Path.of("README.md")))
        .as("console/README.md must contain the generated table:%n%s", table)
        .contains(table);
  }

  @Test
  void defaultsBindLoopbackWithoutSignIn() {
    ConsoleConfig config = minimal().build();
    assertThat(config.get(ConsoleSettings.HTTP_HOST)).isEqualTo("127.0.0.1");
    assertThat(config.get(ConsoleSettings.HTTP_PORT)).isEqualTo(8085);
    assertThat(config.authenticationConfigured()).isFalse();
    assertThat(config.groups()).isEmpty();
  }

  @Test
  void anAddressOtherThanLoopbackNeedsAuthentication() {
    assertThatThrownBy(() -> minimal().set("http.host", "0.0.0.0").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a loopback address")
        .hasMessageContaining("RELAYBOX_AUTH_TOKEN");
    ConsoleConfig config =
        minimal()
            .set("http.host", "0.0.0.0")
            .overrideFromEnvironment(Map.of("RELAYBOX_AUTH_TOKEN", "a-token-of-24-characters")::get)
            .build();
    assertThat(config.authenticationConfigured()).isTrue();
    assertThat(config.toString()).doesNotContain("a-token-of-24-characters");
  }

  @Test
  void aShortTokenOrAUserWithoutPasswordIsRefusedWithoutShowingTheSecret() {
    assertThatThrownBy(() -> minimal().set("auth.token", "short-secret").build())
        .hasMessageContaining("auth.token")
        .hasMessageNotContaining("short-secret");
    assertThatThrownBy(() -> minimal().set("auth.user", "ops").build())
        .hasMessageContaining("'auth.user' and 'auth.password' go together");
  }

  @Test
  void eachNamedGroupHasItsOwnKeysWithEnvironmentOverrides() {
    ConsoleConfig config =
        minimal()
            .set("groups", "payments,email")
            .set("group.payments.pg.database", "payments_db")
            .set("group.payments.effects", "payments,refunds:order_id")
            .set("group.email.url", "http://127.0.0.1:8081")
            .overrideFromEnvironment(Map.of("RELAYBOX_GROUP_PAYMENTS_PG_PASSWORD", "pw")::get)
            .build();
    GroupSettings payments = GroupSettings.of("payments");
    assertThat(config.groups()).containsExactly("payments", "email");
    assertThat(config.get(payments.pgDatabase())).isEqualTo("payments_db");
    assertThat(config.get(payments.pgPassword())).isEqualTo("pw");
    assertThat(config.get(payments.effects())).containsExactly("payments", "refunds:order_id");
    assertThat(config.get(GroupSettings.of("email").pgDatabase())).isNull();
    assertThat(config.get(CommonSettings.PG_DATABASE)).isEqualTo("app");
  }

  @Test
  void keysOfAGroupNotNamedOrMalformedAreRefused() {
    assertThatThrownBy(
            () -> minimal().set("groups", "payments").set("group.emial.url", "http://x").build())
        .hasMessageContaining("unknown property 'group.emial.url'");
    assertThatThrownBy(
            () ->
                minimal().set("groups", "payments").set("group.payments.effects", "x;drop").build())
        .hasMessageContaining("group.payments.effects");
    assertThatThrownBy(() -> minimal().set("groups", "pay.ments").build())
        .hasMessageContaining("groups");
    assertThatThrownBy(() -> minimal().set("relay.url", "javascript:alert(1)").build())
        .hasMessageContaining("relay.url");
  }
}
