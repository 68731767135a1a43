package dev.relaybox.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.relay.internal.RelaySettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class RelayConfigTest {

  private static RelayConfig.Builder minimal() {
    return RelayConfig.builder()
        .postgres("127.0.0.1", 5432, "app", "relay", "s3cret")
        .kafkaBootstrapServers("127.0.0.1:9092");
  }

  @Test
  void defaultsMatchTheArchitecture() {
    RelayConfig c = minimal().build();
    assertThat(c.get(CommonSettings.TOPIC_PATTERN).toString())
        .isEqualTo("outbox.event.${aggregatetype}");
    assertThat(c.get(RelaySettings.DLQ_TOPIC)).isEqualTo("relaybox.relay.dlq");
    assertThat(c.get(CommonSettings.OUTBOX_SCHEMA)).isEqualTo("public");
    assertThat(c.get(CommonSettings.OUTBOX_TABLE)).isEqualTo("outbox");
    assertThat(c.get(RelaySettings.OFFSETS_STORAGE).equals("kafka")).isTrue();
    assertThat(c.get(RelaySettings.OFFSETS_TOPIC)).isEqualTo("relaybox.relay.offsets");
    assertThat(c.get(RelaySettings.ALLOW_MISSING_SLOT)).isFalse();
    assertThat(CommonSettings.jdbcUrl(c))
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/app?sslmode=prefer");
  }

  @Test
  void missingRequiredPropertyIsNamedWithItsEnvironmentVariable() {
    assertThatThrownBy(() -> RelayConfig.builder().kafkaBootstrapServers("k:1").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'pg.database'")
        .hasMessageContaining("RELAYBOX_PG_DATABASE");
  }

  @Test
  void badValuesNameTheProperty() {
    assertThatThrownBy(() -> minimal().set("pg.port", "x").build())
        .hasMessageContaining("'pg.port' must be an integer");
    assertThatThrownBy(() -> minimal().set("slot.name", "Bad-Slot").build())
        .hasMessageContaining("'slot.name' must be a lower-case SQL identifier");
    assertThatThrownBy(() -> minimal().topicPattern("events/${aggregatetype}").build())
        .hasMessageContaining("'topic.pattern' must be a topic pattern")
        .hasMessageContaining("gives illegal topic names");
    assertThatThrownBy(() -> minimal().topicPattern("${tenant}.${aggregatetype}").build())
        .hasMessageContaining("supports one placeholder");
    assertThatThrownBy(() -> minimal().set("offsets.storage", "file").build())
        .hasMessageContaining("'offsets.file' is required");
    assertThatThrownBy(() -> minimal().set("max.queue.size", "10").build())
        .hasMessageContaining("'max.queue.size' must be greater than max.batch.size");
    assertThatThrownBy(() -> minimal().set("pg.pasword", "typo").build())
        .hasMessageContaining("unknown property 'pg.pasword'; did you mean 'pg.password'?");
  }

  @Test
  void producerCannotBeWeakened() {
    assertThatThrownBy(() -> minimal().set("kafka.producer.acks", "1").build())
        .hasMessageContaining("'kafka.producer.acks' must be all");
    assertThatThrownBy(() -> minimal().set("kafka.producer.enable.idempotence", "false").build())
        .hasMessageContaining("enable.idempotence");
    assertThat(
            minimal().set("kafka.producer.linger.ms", "20").build().withPrefix("kafka.producer."))
        .containsEntry("linger.ms", "20");
  }

  @Test
  void propertiesThenEnvironmentOverride() {
    Properties p = new Properties();
    p.setProperty("pg.database", "app");
    p.setProperty("pg.user", "relay");
    p.setProperty("pg.password", "from-file");
    p.setProperty("kafka.bootstrap.servers", "k:1");
    Map<String, String> env =
        Map.of("RELAYBOX_PG_PASSWORD", "from-env", "RELAYBOX_SLOT_NAME", "s2");
    RelayConfig c = RelayConfig.fromProperties(p).overrideFromEnvironment(env::get).build();
    assertThat(c.get(CommonSettings.PG_PASSWORD)).isEqualTo("from-env");
    assertThat(c.slotName()).isEqualTo("s2");
    assertThat(RelaySettings.ALLOW_MISSING_SLOT.environmentName())
        .isEqualTo("RELAYBOX_STARTUP_ALLOW_MISSING_SLOT");
  }

  @Test
  void toStringHidesThePassword() {
    assertThat(minimal().build().toString()).doesNotContain("s3cret").contains("pg.password=****");
  }

  @Test
  void fileOffsetsAreForTheAtLeastOnceRelay() {
    RelayConfig c =
        minimal()
            .offsetsFile(Path.of("/tmp/offsets.dat"))
            .set("delivery.guarantee", "at-least-once")
            .build();
    assertThat(c.get(RelaySettings.OFFSETS_STORAGE).equals("kafka")).isFalse();
    assertThat(c.get(RelaySettings.OFFSETS_FILE)).isEqualTo("/tmp/offsets.dat");
    assertThat(c.exactlyOnce()).isFalse();
    assertThatThrownBy(() -> minimal().offsetsFile(Path.of("/tmp/offsets.dat")).build())
        .hasMessageContaining(
            "'offsets.storage' must be kafka with delivery.guarantee=exactly-once");
  }

  @Test
  void exactlyOnceIsTheDefaultWithATransactionalIdFromTheRelayName() {
    RelayConfig c = minimal().name("orders-relay").build();
    assertThat(c.exactlyOnce()).isTrue();
    assertThat(c.transactionalId()).isEqualTo("relaybox.orders-relay");
    assertThat(
            minimal()
                .set("kafka.producer.transactional.id", "team-a.relay")
                .build()
                .transactionalId())
        .isEqualTo("team-a.relay");
    assertThatThrownBy(
            () ->
                minimal()
                    .set("delivery.guarantee", "at-least-once")
                    .set("kafka.producer.transactional.id", "x")
                    .build())
        .hasMessageContaining("'kafka.producer.transactional.id' is only used with");
    assertThatThrownBy(() -> minimal().set("delivery.guarantee", "maybe").build())
        .hasMessageContaining("'delivery.guarantee' must be one of exactly-once, at-least-once");
  }

  @Test
  void exactlyOnceRefusesDebeziumOverridesOfHowTheSlotIsConfirmed() {
    for (String key :
        new String[] {
          "debezium.lsn.flush.mode",
          "debezium.offset.mismatch.strategy",
          "debezium.offset.storage",
          "debezium.offset.storage.topic",
          "debezium.snapshot.mode"
        }) {
      assertThatThrownBy(() -> minimal().set(key, "x").build())
          .as(key)
          .hasMessageContaining("'" + key + "' cannot be overridden");
      assertThat(minimal().set("delivery.guarantee", "at-least-once").set(key, "x").build())
          .isNotNull();
    }
  }

  @Test
  void theReadmeListsEverySetting() throws Exception {
    String table = RelayConfig.settings().markdownTable();
    assertThat(java.nio.file.Files.readString(Path.of("README.md")))
        .as("cdc-relay/README.md must contain the generated table:%n%s", table)
        .contains(table);
  }

  @Test
  void oneShardKeepsTheConfiguredNamesAndShardsGetTheirOwn() {
    RelayConfig one = minimal().name("r").set("kafka.producer.transactional.id", "acl.r").build();
    assertThat(List.of(one.name(), one.slotName(), one.publicationName(), one.transactionalId()))
        .containsExactly("r", "relaybox_outbox", "relaybox_outbox", "acl.r");
    RelayConfig shard = minimal().name("r").set("shard.count", "4").set("shard.index", "3").build();
    assertThat(
            List.of(
                shard.name(), shard.slotName(), shard.publicationName(), shard.transactionalId()))
        .containsExactly(
            "r-shard-3-of-4",
            "relaybox_outbox_shard_3_of_4",
            "relaybox_outbox_shard_3_of_4",
            "relaybox.r-shard-3-of-4");
    assertThat(
            minimal()
                .set("shard.count", "2")
                .set("kafka.producer.transactional.id", "acl.r")
                .build()
                .transactionalId())
        .isEqualTo("acl.r-shard-0-of-2");
  }

  @Test
  void badShardSettingsAreNamed() {
    assertThatThrownBy(() -> minimal().set("shard.count", "2").set("shard.index", "2").build())
        .hasMessageContaining("'shard.index' is 2 but must be below shard.count (2)")
        .hasMessageContaining("numbered 0 to 1");
    assertThatThrownBy(() -> minimal().set("shard.count", "0").build())
        .hasMessageContaining("'shard.count'");
    assertThatThrownBy(() -> minimal().set("shard.index", "-1").build())
        .hasMessageContaining("'shard.index'");
    assertThatThrownBy(
            () -> minimal().set("shard.count", "2").set("slot.name", "s".repeat(60)).build())
        .hasMessageContaining("'slot.name' is too long for a shard");
  }
}
