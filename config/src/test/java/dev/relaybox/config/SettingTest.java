package dev.relaybox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SettingTest {

  @Test
  void typesParseAndRejectWithTheKeyAndTheExpectation() {
    assertThat(Setting.bool("b").build().parse("true")).isTrue();
    assertThatThrownBy(() -> Setting.bool("b").build().parse("yes"))
        .hasMessage("property 'b' must be true or false, was 'yes'");
    assertThat(Setting.oneOf("m", "kafka", "file").build().parse("file")).isEqualTo("file");
    assertThatThrownBy(() -> Setting.oneOf("m", "kafka", "file").build().parse("disk"))
        .hasMessage("property 'm' must be one of kafka, file, was 'disk'");
    assertThat(Setting.list("l").build().parse("a, b")).isEqualTo(List.of("a", "b"));
    assertThatThrownBy(() -> Setting.list("l").build().parse("a,,b"))
        .hasMessage("property 'l' must be a comma-separated list, was 'a,,b'");
    assertThatThrownBy(() -> Setting.topic("t").build().parse("a b"))
        .hasMessageStartingWith("property 't' must be a legal Kafka topic name, was 'a b'");
  }

  @Test
  void identifiersFollowTheOneRule() {
    Setting<String> table = Setting.identifier("outbox.table", 48).build();
    assertThat(table.parse("outbox_2")).isEqualTo("outbox_2");
    // '$' is legal in Postgres but not here: every module accepts the same names.
    assertThatThrownBy(() -> table.parse("out$box"))
        .hasMessage(
            "property 'outbox.table' must be a lower-case SQL identifier ([a-z_][a-z0-9_]*, at"
                + " most 48 characters), was 'out$box'");
  }

  @Test
  void checksAndOptionalValues() {
    Setting<Integer> rf =
        Setting.integer("rf", -1, 10)
            .defaultValue("-1")
            .check(v -> v != 0, "must not be 0")
            .build();
    assertThatThrownBy(() -> rf.parse("0")).hasMessage("property 'rf' must not be 0, was '0'");
    assertThat(Setting.text("o").optional().build().parse("")).isNull();
    assertThat(Setting.text("o").optional().build().required()).isFalse();
    assertThat(Setting.text("r").build().required()).isTrue();
  }

  @Test
  void aBadDefaultFailsWhereTheSettingIsDefined() {
    assertThatThrownBy(() -> Setting.integer("p", 1, 2).defaultValue("3").build())
        .hasMessageStartingWith("property 'p' must be an integer between 1 and 2");
  }

  @Test
  void secretsAreRecognisedByNameOrMarked() {
    assertThat(Setting.text("pg.password").build().secret()).isTrue();
    assertThat(Setting.text("webhook.url").secret().build().secret()).isTrue();
    assertThat(Setting.text("pg.host").build().secret()).isFalse();
    assertThat(Setting.text("pg.host").build().environmentName()).isEqualTo("RELAYBOX_PG_HOST");
  }
}
