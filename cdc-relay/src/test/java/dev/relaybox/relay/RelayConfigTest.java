package dev.relaybox.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
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
    assertThat(c.topicPattern()).isEqualTo("outbox.event.${aggregatetype}");
    assertThat(c.dlqTopic()).isEqualTo("relaybox.relay.dlq");
    assertThat(c.outboxSchema()).isEqualTo("public");
    assertThat(c.outboxTable()).isEqualTo("outbox");
    assertThat(c.offsetsInKafka()).isTrue();
    assertThat(c.offsetsTopic()).isEqualTo("relaybox.relay.offsets");
    assertThat(c.allowMissingSlot()).isFalse();
    assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/app?sslmode=prefer");
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
        .hasMessageContaining("'topic.pattern' gives illegal topic names");
    assertThatThrownBy(() -> minimal().topicPattern("${tenant}.${aggregatetype}").build())
        .hasMessageContaining("'topic.pattern' supports only one placeholder");
    assertThatThrownBy(() -> minimal().set("offsets.storage", "file").build())
        .hasMessageContaining("'offsets.file' is required");
    assertThatThrownBy(() -> minimal().set("max.queue.size", "10").build())
        .hasMessageContaining("'max.queue.size' must be greater than max.batch.size");
    assertThatThrownBy(() -> minimal().set("pg.pasword", "typo").build())
        .hasMessageContaining("'pg.pasword' unknown property");
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
    assertThat(c.pgPassword()).isEqualTo("from-env");
    assertThat(c.slotName()).isEqualTo("s2");
    assertThat(RelayConfig.environmentName("startup.allow.missing.slot"))
        .isEqualTo("RELAYBOX_STARTUP_ALLOW_MISSING_SLOT");
  }

  @Test
  void toStringHidesThePassword() {
    assertThat(minimal().build().toString()).doesNotContain("s3cret").contains("pg.password=****");
  }

  @Test
  void fileOffsets() {
    RelayConfig c = minimal().offsetsFile(Path.of("/tmp/offsets.dat")).build();
    assertThat(c.offsetsInKafka()).isFalse();
    assertThat(c.offsetsFile()).isEqualTo(Path.of("/tmp/offsets.dat"));
  }
}
