package dev.relaybox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServicePropertiesTest {

  private static final String SECRET = "hunter2-s3cret";

  private static ServiceProperties.Builder builder() {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("pg.host", "localhost");
    defaults.put("pg.port", "5432");
    defaults.put("pg.password", "");
    defaults.put("slot.name", "relaybox_outbox");
    defaults.put("startup.allow-missing", "false");
    return ServiceProperties.builder(defaults)
        .passThroughPrefixes("kafka.producer.", "debezium.")
        .documentedIn("svc/README.md");
  }

  @Test
  void defaultsApplyUntilSet() {
    ServiceProperties p = builder().set("pg.host", " db.internal ").build();
    assertThat(p.get("pg.host")).isEqualTo("db.internal");
    assertThat(p.getInt("pg.port")).isEqualTo(5432);
    assertThat(p.getBoolean("startup.allow-missing")).isFalse();
    assertThat(p.get("nothing.here")).isNull();
  }

  @Test
  void environmentWinsOverTheFileWhichWinsOverDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("svc.properties");
    Files.writeString(file, "pg.host=from-file\npg.port=6000\nslot.name=file_slot\n");
    Map<String, String> env =
        Map.of(
            "RELAYBOX_PG_PORT", "7000",
            "RELAYBOX_STARTUP_ALLOW_MISSING", "true",
            "RELAYBOX_KAFKA_PRODUCER_LINGER_MS", "5");
    ServiceProperties p = builder().load(file).overrideFromEnvironment(env::get).build();
    assertThat(p.get("pg.host")).isEqualTo("from-file");
    assertThat(p.get("slot.name")).isEqualTo("file_slot");
    assertThat(p.getLong("pg.port")).isEqualTo(7000L);
    assertThat(p.getBoolean("startup.allow-missing")).isTrue();
    // Only documented keys are read from the environment.
    assertThat(p.withPrefix("kafka.producer.")).isEmpty();
    assertThat(ServiceProperties.environmentName("startup.allow-missing"))
        .isEqualTo("RELAYBOX_STARTUP_ALLOW_MISSING");
  }

  @Test
  void javaPropertiesAreSetLikeAFile() {
    Properties properties = new Properties();
    properties.setProperty("pg.host", "h");
    assertThat(builder().setAll(properties).build().get("pg.host")).isEqualTo("h");
  }

  @Test
  void unknownKeyIsNamedWithTheNearestDocumentedKeysAndHowToFixIt() {
    assertThatThrownBy(() -> builder().set("pg.prot", "1").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown property 'pg.prot': did you mean 'pg.port'? documented keys: svc/README.md;"
                + " other keys must start with kafka.producer. or debezium.");
    assertThatThrownBy(() -> builder().set("completely.different", "1").build())
        .hasMessageStartingWith("unknown property 'completely.different': documented keys:")
        .hasMessageNotContaining("did you mean");
  }

  @Test
  void unknownKeyMessageCanFollowTheServiceStyle() {
    assertThatThrownBy(
            () ->
                builder()
                    .unknownKeyMessage((key, help) -> "Svc property '" + key + "' unknown; " + help)
                    .set("slot.nam", "x")
                    .build())
        .hasMessageStartingWith("Svc property 'slot.nam' unknown; did you mean 'slot.name'?");
  }

  @Test
  void passThroughPrefixesAreAcceptedAndStrippedByWithPrefix() {
    ServiceProperties p =
        builder()
            .set("kafka.producer.linger.ms", "20")
            .set("kafka.producer.batch.size", "1")
            .set("debezium.snapshot.mode", "never")
            .build();
    assertThat(p.withPrefix("kafka.producer."))
        .containsExactly(Map.entry("batch.size", "1"), Map.entry("linger.ms", "20"));
    assertThat(p.withPrefix("debezium.")).containsEntry("snapshot.mode", "never");
  }

  @Test
  void typedGettersNameTheKeyAndTheBadValue() {
    ServiceProperties p =
        builder().set("pg.port", "54x").set("startup.allow-missing", "yes").build();
    assertThatThrownBy(() -> p.getInt("pg.port"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("property 'pg.port' must be an integer, was '54x'");
    assertThatThrownBy(() -> p.getLong("pg.port")).hasMessageContaining("'54x'");
    assertThatThrownBy(() -> p.getBoolean("startup.allow-missing"))
        .hasMessage("property 'startup.allow-missing' must be true or false, was 'yes'");
    assertThatThrownBy(() -> p.getInt("no.such.key"))
        .hasMessage("property 'no.such.key' is not set");
    assertThatThrownBy(() -> builder().set("pg.port", "99999999999").build().getInt("pg.port"))
        .hasMessageContaining("must be an integer");
  }

  @Test
  void secretsNeverAppearInToStringOrErrors() {
    ServiceProperties p =
        builder()
            .set("pg.password", SECRET)
            .set("kafka.producer.sasl.jaas.config", "x password=\"" + SECRET + "\";")
            .build();
    assertThat(p.get("pg.password")).isEqualTo(SECRET);
    assertThat(p.toString())
        .doesNotContain(SECRET)
        .contains("pg.password=****", "kafka.producer.sasl.jaas.config=****", "pg.port=5432");
    assertThatThrownBy(() -> p.getInt("pg.password"))
        .hasMessageContaining("'pg.password'")
        .hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> p.getBoolean("kafka.producer.sasl.jaas.config"))
        .hasMessageNotContaining(SECRET);
    // A mistyped secret key: the key is named, its value is not.
    assertThatThrownBy(() -> builder().set("pg.pasword", SECRET).build())
        .hasMessageContaining("'pg.pasword'")
        .hasMessageContaining("did you mean 'pg.password'?")
        .hasMessageNotContaining(SECRET);
    assertThat(ServiceProperties.isSecret("schema.registry.basic.auth.user.info")).isTrue();
    assertThat(ServiceProperties.isSecret("pg.user")).isFalse();
  }

  @Test
  void nullsAreRejectedNamingTheKey() {
    assertThatThrownBy(() -> builder().set("pg.host", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value of pg.host must not be null");
  }

  @Test
  void builtPropertiesAreImmutable() {
    ServiceProperties.Builder b = builder();
    ServiceProperties p = b.build();
    b.set("pg.host", "changed");
    assertThat(p.get("pg.host")).isEqualTo("localhost");
  }
}
