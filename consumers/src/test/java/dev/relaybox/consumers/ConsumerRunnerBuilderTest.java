package dev.relaybox.consumers;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class ConsumerRunnerBuilderTest {

  private static final DataSource DS = new PGSimpleDataSource();
  private static final EventHandler NOOP = (event, tx) -> {};

  private static ConsumerRunner.Builder valid() {
    return ConsumerRunner.builder()
        .bootstrapServers("127.0.0.1:9092")
        .groupId("payments")
        .topics("outbox.event.order")
        .dataSource(DS)
        .deserializer(TestSupport.DESERIALIZER)
        .handler(NOOP);
  }

  @Test
  void buildsWithDefaults() {
    valid().build();
  }

  @Test
  void namesMissingProperties() {
    assertThatThrownBy(() -> valid().bootstrapServers(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("bootstrapServers");
    assertThatThrownBy(() -> valid().groupId(" ").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("groupId");
    assertThatThrownBy(() -> valid().topics().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topics");
    assertThatThrownBy(() -> valid().dataSource(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("dataSource");
    assertThatThrownBy(() -> valid().deserializer(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("deserializer");
  }

  @Test
  void requiresExactlyOneHandler() {
    assertThatThrownBy(() -> valid().handler((EventHandler) null).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("handler must be set exactly once")
        .hasMessageContaining("none");
    TwoPhaseEventHandler<String> twoPhase =
        new TwoPhaseEventHandler<>() {
          @Override
          public String call(ConsumedEvent event) {
            return "";
          }

          @Override
          public void record(ConsumedEvent event, String result, java.sql.Connection tx) {}
        };
    assertThatThrownBy(() -> valid().handler(twoPhase).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("both");
  }

  @Test
  void validatesTheProcessedKeysTableAsAnIdentifier() {
    assertThatThrownBy(() -> valid().processedKeysTable("keys; DROP TABLE x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("processedKeysTable");
    assertThatThrownBy(() -> valid().processedKeysTable("Keys").build())
        .hasMessageContaining("lower-case");
    assertThatThrownBy(() -> valid().processedKeysTable("k".repeat(49)).build())
        .hasMessageContaining("48");
    assertThatThrownBy(() -> valid().processedKeysSchema("pg_catalog").build())
        .hasMessageContaining("processedKeysSchema");
  }

  @Test
  void validatesTopicsAndRetries() {
    assertThatThrownBy(() -> valid().topics("bad topic").build())
        .hasMessageContaining("topics 'bad topic'");
    assertThatThrownBy(() -> valid().deadLetterTopic("outbox.event.order").build())
        .hasMessageContaining("deadLetterTopic");
    assertThatThrownBy(() -> valid().maxAttempts(0).build()).hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> valid().maxInFlight(0).build())
        .hasMessageContaining("maxInFlight must be at least 1, was 0");
    assertThatThrownBy(() -> valid().maxInFlight(10_001).build())
        .hasMessageContaining("maxInFlight must be at most 10000");
    assertThatThrownBy(() -> valid().maxParkedKeys(0).build())
        .hasMessageContaining("maxParkedKeys");
    assertThatThrownBy(() -> valid().maxParkedEvents(0).build())
        .hasMessageContaining("maxParkedEvents");
    assertThatThrownBy(() -> valid().deadKeyPolicy(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("deadKeyPolicy");
    assertThatThrownBy(() -> valid().initialBackoff(Duration.ZERO).build())
        .hasMessageContaining("initialBackoff");
    assertThatThrownBy(
            () ->
                valid()
                    .initialBackoff(Duration.ofSeconds(2))
                    .maxBackoff(Duration.ofSeconds(1))
                    .build())
        .hasMessageContaining("maxBackoff");
  }

  @Test
  void refusesToLetKafkaPropertiesBreakTheGuarantee() {
    assertThatThrownBy(() -> valid().consumerProperty("enable.auto.commit", "true").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("enable.auto.commit");
    assertThatThrownBy(() -> valid().consumerProperty("group.id", "other").build())
        .hasMessageContaining("group.id");
    assertThatThrownBy(() -> valid().consumerProperty("max.poll.records", null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("max.poll.records");
  }

  @Test
  void retentionIsOptionalButNeverShorterThanTheFloor() {
    valid().processedKeysRetention(null).build();
    valid().processedKeysRetention(ConsumerRunner.MIN_PROCESSED_KEYS_RETENTION).build();
    valid().processedKeysRetention(Duration.ofDays(14)).build();
    assertThatThrownBy(() -> valid().processedKeysRetention(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("processedKeysRetention must be positive, was PT0S")
        .hasMessageContaining("leave it unset");
    assertThatThrownBy(() -> valid().processedKeysRetention(Duration.ofHours(-2)).build())
        .hasMessageContaining("processedKeysRetention must be positive");
    assertThatThrownBy(() -> valid().processedKeysRetention(Duration.ofMinutes(59)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("processedKeysRetention must be at least PT1H, was PT59M")
        .hasMessageContaining("redrive of an event older than the retention")
        .hasMessageContaining("applies its effect again")
        .hasMessageContaining("retention.ms");
    assertThatThrownBy(
            () -> valid().deduplicate(false).processedKeysRetention(Duration.ofDays(1)).build())
        .hasMessageContaining("deduplicate is false");
  }

  @Test
  void sweepIntervalMustBePositive() {
    assertThatThrownBy(() -> valid().processedKeysSweepInterval(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("processedKeysSweepInterval must be positive");
    assertThatThrownBy(() -> valid().processedKeysSweepInterval(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("processedKeysSweepInterval");
  }
}
