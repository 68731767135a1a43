package dev.relaybox.consumers.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumersConfigTest {

  private static ConsumersConfig.Builder minimal() {
    return ConsumersConfig.builder()
        .set(ConsumersConfig.KAFKA_BOOTSTRAP_SERVERS, "k:9092")
        .set(ConsumersConfig.SCHEMA_REGISTRY_URL, "http://r:8081")
        .set(ConsumersConfig.PG_DATABASE, "db")
        .set(ConsumersConfig.PG_USER, "u")
        .set(ConsumersConfig.PAYMENTS_GATEWAY_URL, "http://g")
        .set(ConsumersConfig.FULFILLMENT_WAREHOUSE_URL, "http://w")
        .set(ConsumersConfig.MAIL_USER, "orders@x");
  }

  @Test
  void defaultsAndDerivedValues() {
    ConsumersConfig config = minimal().build();
    assertThat(config.services()).containsExactly("payments", "email", "fulfillment");
    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/db");
    assertThat(config.topicFor("payment")).isEqualTo("outbox.event.payment");
    assertThat(config.get(ConsumersConfig.HTTP_PORT)).isEqualTo("8081");
  }

  @Test
  void environmentOverridesTheFileAndPasswordsAreMasked() {
    Map<String, String> env = Map.of("RELAYBOX_PG_PASSWORD", "s3cret", "RELAYBOX_PG_PORT", "6543");
    ConsumersConfig config = minimal().overrideFromEnvironment(env::get).build();
    assertThat(config.get(ConsumersConfig.PG_PASSWORD)).isEqualTo("s3cret");
    assertThat(config.getInt(ConsumersConfig.PG_PORT)).isEqualTo(6543);
    assertThat(config.toString()).doesNotContain("s3cret").contains("pg.password=****");
    assertThat(ConsumersConfig.environmentName("mail.smtp.port"))
        .isEqualTo("RELAYBOX_MAIL_SMTP_PORT");
  }

  @Test
  void kafkaConsumerPropertiesPassThrough() {
    ConsumersConfig config = minimal().set("kafka.consumer.max.poll.records", "50").build();
    assertThat(config.withPrefix(ConsumersConfig.KAFKA_CONSUMER_PREFIX))
        .containsEntry("max.poll.records", "50");
  }

  @Test
  void badPropertiesAreNamed() {
    assertThatThrownBy(() -> ConsumersConfig.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kafka.bootstrap.servers is required")
        .hasMessageContaining("RELAYBOX_KAFKA_BOOTSTRAP_SERVERS");
    assertThatThrownBy(() -> minimal().set("pg.prot", "1").build())
        .hasMessageContaining("unknown property 'pg.prot'");
    assertThatThrownBy(() -> minimal().set(ConsumersConfig.SERVICES, "payments,billing").build())
        .hasMessageContaining("unknown service 'billing'");
    assertThatThrownBy(() -> minimal().set(ConsumersConfig.MAIL_SMTP_PORT, "smtp").build())
        .hasMessageContaining("mail.smtp.port must be a number");
    assertThatThrownBy(
            () ->
                minimal()
                    .set(ConsumersConfig.SERVICES, "payments")
                    .set(ConsumersConfig.PAYMENTS_GATEWAY_URL, "")
                    .build())
        .hasMessageContaining("payments.gateway.url is required");
    assertThat(
            minimal()
                .set(ConsumersConfig.SERVICES, "email")
                .set(ConsumersConfig.PAYMENTS_GATEWAY_URL, "")
                .build()
                .services())
        .containsExactly("email");
  }

  @Test
  void processedKeysRetentionIsEmptyByDefaultAndParsedAsMilliseconds() {
    assertThat(minimal().build().processedKeysRetention()).isEmpty();
    assertThat(
            minimal()
                .set(ConsumersConfig.PROCESSED_KEYS_RETENTION_MS, "1209600000")
                .build()
                .processedKeysRetention())
        .contains(Duration.ofDays(14));
    ConsumersConfig fromEnv =
        minimal()
            .overrideFromEnvironment(Map.of("RELAYBOX_PROCESSED_KEYS_RETENTION_MS", "7200000")::get)
            .build();
    assertThat(fromEnv.processedKeysRetention()).contains(Duration.ofHours(2));
    assertThatThrownBy(
            () -> minimal().set(ConsumersConfig.PROCESSED_KEYS_RETENTION_MS, "14d").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("processed.keys.retention.ms must be a number of milliseconds")
        .hasMessageContaining("'14d'");
  }
}
