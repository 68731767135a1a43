package dev.relaybox.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.schemas.samples.OrderPlaced;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Subject strategies named by class, as in Confluent's serde config. */
class SubjectNamerTest {

  /** A team's own rule: a configured prefix before the record name. */
  public static final class PrefixedRecordName implements SubjectNamer, Configurable {
    private String prefix = "";

    @Override
    public void configure(Map<String, ?> configs) {
      prefix = String.valueOf(configs.get("test.subject.prefix"));
    }

    @Override
    public String subject(String topic, boolean isKey, Schema schema) {
      return prefix + schema.getName() + (isKey ? "-key" : "");
    }
  }

  /** Not a strategy. */
  public static final class NotANamer {}

  @Test
  void aCustomClassNamedInTheConfigIsInstantiatedConfiguredAndUsed() {
    SerdeConfig config =
        SerdeConfig.fromMap(
            Map.of(
                "value.subject.name.strategy",
                PrefixedRecordName.class.getName(),
                "key.subject.name.strategy",
                PrefixedRecordName.class,
                "test.subject.prefix",
                "team-a."));

    assertThat(config.subjectNameStrategy(false).subject("t", false, OrderPlaced.getClassSchema()))
        .isEqualTo("team-a.OrderPlaced");
    assertThat(config.subjectNameStrategy(true).subject("t", true, OrderPlaced.getClassSchema()))
        .isEqualTo("team-a.OrderPlaced-key");
    assertThat(config.toString()).contains(PrefixedRecordName.class.getName());
  }

  @Test
  void builtInNamesStillGiveTheBuiltInStrategies() {
    assertThat(
            SubjectNameStrategy.namer(
                "k", "io.confluent.kafka.serializers.subject.RecordNameStrategy", Map.of()))
        .isSameAs(SubjectNameStrategy.RECORD_NAME);
  }

  @Test
  void aClassThatIsMissingOrNoStrategyIsRefusedNamingTheKey() {
    assertThatThrownBy(
            () -> SerdeConfig.fromMap(Map.of("value.subject.name.strategy", "com.acme.Missing")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("value.subject.name.strategy")
        .hasMessageContaining("nor a class on the classpath");
    assertThatThrownBy(
            () ->
                SerdeConfig.fromMap(Map.of("key.subject.name.strategy", NotANamer.class.getName())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("key.subject.name.strategy")
        .hasMessageContaining("must implement " + SubjectNamer.class.getName());
  }

  @Test
  void theCacheCapacityIsConfluentsMaxSchemasPerSubject() {
    assertThat(SerdeConfig.defaults().maxSchemas()).isEqualTo(1000);
    assertThat(SerdeConfig.fromMap(Map.of("max.schemas.per.subject", "5")).maxSchemas())
        .isEqualTo(5);
    assertThatThrownBy(() -> SerdeConfig.fromMap(Map.of("max.schemas.per.subject", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("max.schemas.per.subject");
  }
}
