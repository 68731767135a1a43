package dev.relaybox.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboxBuilderTest {
  private static final Serializer<Object> SERIALIZER = (topic, data) -> new byte[] {0};

  @Test
  void defaults() {
    try (Outbox outbox = Outbox.builder().serializer(SERIALIZER).build()) {
      assertThat(outbox.schema()).isEqualTo("public");
      assertThat(outbox.table()).isEqualTo("outbox");
      assertThat(outbox.topicFor("order")).isEqualTo("outbox.event.order");
      assertThat(outbox)
          .hasToString("Outbox{table=public.outbox, cleanupMode=DELETE_AFTER_INSERT}");
    }
    assertThat(Outbox.DEFAULT_MAX_EVENT_BYTES).isEqualTo(1_032_192);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"Outbox", "out-box", "1outbox", "outbox; drop table x", "\"outbox\"", "", "ä"})
  void refusesTableNamesThatAreNotPlainIdentifiers(String table) {
    assertThatThrownBy(() -> Outbox.builder().serializer(SERIALIZER).table(table).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "table must be a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 48 characters),"
                + " was '"
                + table
                + "'")
        .hasMessageContaining("at most 48 characters");
  }

  @Test
  void refusesTooLongNamesAndSystemSchemas() {
    assertThatThrownBy(() -> Outbox.builder().serializer(SERIALIZER).table("t".repeat(49)).build())
        .hasMessageContaining("table must be")
        .hasMessageContaining("was 'ttt");
    assertThat(Outbox.builder().serializer(SERIALIZER).table("t".repeat(48)).build().table())
        .hasSize(48);
    assertThatThrownBy(() -> Outbox.builder().serializer(SERIALIZER).schema("s".repeat(64)).build())
        .hasMessageContaining("was 'sss")
        .hasMessageContaining("at most 63 characters");
    assertThatThrownBy(() -> Outbox.builder().serializer(SERIALIZER).schema("pg_outbox").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema must not start with pg_");
    assertThatThrownBy(() -> Outbox.builder().serializer(SERIALIZER).schema(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("schema must not be null");
  }

  @Test
  void refusesMissingSerializerBadLimitsAndPatterns() {
    assertThatThrownBy(() -> Outbox.builder().build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("serializer or schemaRegistryUrl must be set");
    assertThatThrownBy(
            () ->
                Outbox.builder()
                    .serializer(SERIALIZER)
                    .schemaRegistryUrl("http://127.0.0.1:1")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("set either serializer or schemaRegistryUrl, not both");
    assertThatThrownBy(
            () -> Outbox.builder().serializer(SERIALIZER).warmUp(TestEvents.SCHEMA).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("warmUp needs schemaRegistryUrl");
    assertThatThrownBy(
            () ->
                Outbox.builder()
                    .schemaRegistryUrl("http://127.0.0.1:1")
                    .table("Bad")
                    .warmUp(TestEvents.SCHEMA)
                    .build())
        .as("names are validated before any registry call")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("table must be a lower-case SQL identifier");
    assertThatThrownBy(() -> Outbox.builder().serializer(SERIALIZER).maxEventBytes(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxEventBytes must be positive, was 0");
    assertThatThrownBy(() -> Outbox.builder().serializer(SERIALIZER).topicPattern("events").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topicPattern 'events' must contain ${aggregatetype}");
    assertThatThrownBy(
            () ->
                Outbox.builder().serializer(SERIALIZER).topicPattern("ev/${aggregatetype}").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the topic pattern 'ev/${aggregatetype}' gives illegal topic names");
  }

  @Test
  void topicForAppliesThePatternAndKafkasLengthLimit() {
    Outbox outbox =
        Outbox.builder().serializer(SERIALIZER).topicPattern("prod.${aggregatetype}.v1").build();
    assertThat(outbox.topicFor("order")).isEqualTo("prod.order.v1");
    String longType = "a".repeat(245);
    assertThatThrownBy(() -> outbox.topicFor(longType))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gives the illegal topic")
        .hasMessageContaining("longer than the max allowed length 249");
  }
}
