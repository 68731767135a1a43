package dev.relaybox.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.schemas.samples.OrderPlaced;
import dev.relaybox.schemas.serde.internal.RegistryClients;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SerdeConfigTest {

  private static final Schema ORDER_PLACED = OrderPlaced.getClassSchema();

  @Test
  void defaultsAreConfluents() {
    SerdeConfig config = SerdeConfig.fromMap(Map.of());

    assertThat(config.autoRegisterSchemas()).isTrue();
    assertThat(config.useLatestVersion()).isFalse();
    assertThat(config.useSchemaId()).isEmpty();
    assertThat(config.normalizeSchemas()).isFalse();
    assertThat(config.specificAvroReader()).isFalse();
    assertThat(config.subjectNameStrategy(true)).isEqualTo(SubjectNameStrategy.TOPIC_NAME);
    assertThat(config.subjectNameStrategy(false)).isEqualTo(SubjectNameStrategy.TOPIC_NAME);
  }

  @Test
  void readsConfluentKeysAsStringsOrTypedValues() {
    SerdeConfig config =
        SerdeConfig.fromMap(
            Map.of(
                "auto.register.schemas", "false",
                "use.schema.id", "7",
                "normalize.schemas", true,
                "specific.avro.reader", "TRUE",
                "key.subject.name.strategy", "RecordNameStrategy",
                "value.subject.name.strategy",
                    "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy",
                "unrelated.producer.key", "ignored"));

    assertThat(config.autoRegisterSchemas()).isFalse();
    assertThat(config.useSchemaId()).hasValue(7);
    assertThat(config.normalizeSchemas()).isTrue();
    assertThat(config.specificAvroReader()).isTrue();
    assertThat(config.subjectNameStrategy(true)).isEqualTo(SubjectNameStrategy.RECORD_NAME);
    assertThat(config.subjectNameStrategy(false)).isEqualTo(SubjectNameStrategy.TOPIC_RECORD_NAME);
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> SerdeConfig.fromMap(Map.of("auto.register.schemas", "yes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("auto.register.schemas");
    assertThatThrownBy(() -> SerdeConfig.fromMap(Map.of("use.schema.id", "seven")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("use.schema.id");
    assertThatThrownBy(
            () -> SerdeConfig.fromMap(Map.of("value.subject.name.strategy", "com.acme.MyStrategy")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("value.subject.name.strategy")
        .hasMessageContaining("nor a class on the classpath");
  }

  @Test
  void pinsNeedAutoRegisterOff() {
    assertThatThrownBy(() -> SerdeConfig.fromMap(Map.of("use.latest.version", "true")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("use.latest.version=true requires auto.register.schemas=false");
    assertThatThrownBy(
            () ->
                SerdeConfig.builder()
                    .autoRegisterSchemas(false)
                    .useLatestVersion(true)
                    .useSchemaId(3)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exclude each other");
  }

  @Test
  void strategiesNameSubjectsLikeConfluent() {
    assertThat(SubjectNameStrategy.TOPIC_NAME.subject("orders", true, ORDER_PLACED))
        .isEqualTo("orders-key");
    assertThat(SubjectNameStrategy.TOPIC_NAME.subject("orders", false, ORDER_PLACED))
        .isEqualTo("orders-value");
    assertThat(SubjectNameStrategy.RECORD_NAME.subject("orders", false, ORDER_PLACED))
        .isEqualTo("dev.relaybox.schemas.samples.OrderPlaced");
    assertThat(SubjectNameStrategy.TOPIC_RECORD_NAME.subject("orders", true, ORDER_PLACED))
        .isEqualTo("orders-dev.relaybox.schemas.samples.OrderPlaced");
    assertThatThrownBy(
            () ->
                SubjectNameStrategy.RECORD_NAME.subject(
                    "orders", false, Schema.create(Schema.Type.STRING)))
        .isInstanceOf(EventEncodingException.class)
        .hasMessageContaining(
            "In configuration value.subject.name.strategy = RecordNameStrategy, the message"
                + " value must only be a record schema");
  }

  @Test
  void strategyParsingAcceptsClassNamesShortNamesAndConstants() {
    for (SubjectNameStrategy strategy : SubjectNameStrategy.values()) {
      assertThat(SubjectNameStrategy.parse("k", strategy.shortName())).isEqualTo(strategy);
      assertThat(
              SubjectNameStrategy.parse(
                  "k", "io.confluent.kafka.serializers.subject." + strategy.shortName()))
          .isEqualTo(strategy);
      assertThat(SubjectNameStrategy.parse("k", strategy.name())).isEqualTo(strategy);
    }
  }

  @Test
  void registryClientConfigNeedsAUrlAndNeverEchoesCredentials() {
    assertThatThrownBy(() -> RegistryClients.fromConfig(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.url");
    assertThatThrownBy(
            () ->
                RegistryClients.fromConfig(
                    Map.of(
                        "schema.registry.url", "http://127.0.0.1:1",
                        "basic.auth.credentials.source", "USER_INFO")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("basic.auth.user.info");
    assertThatThrownBy(
            () ->
                RegistryClients.fromConfig(
                    Map.of(
                        "schema.registry.url", "http://127.0.0.1:1",
                        "basic.auth.credentials.source", "USER_INFO",
                        "basic.auth.user.info", "s3cr3t-without-colon")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("user:password")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(
            () ->
                RegistryClients.fromConfig(
                    Map.of(
                        "schema.registry.url", "http://127.0.0.1:1",
                        "basic.auth.credentials.source", "SASL_INHERIT")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("URL and USER_INFO");
    assertThat(
            RegistryClients.fromConfig(
                Map.of(
                    "schema.registry.url", List.of("http://u:s3cr3t@127.0.0.1:1", "http://h:2"))))
        .hasToString("SchemaRegistryClient[urls=[http://127.0.0.1:1, http://h:2]]");
  }
}
