package dev.relaybox.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.relay.RelayConfig;
import org.junit.jupiter.api.Test;

class EnginePropertiesTest {
  private final RelayConfig config =
      RelayConfig.builder()
          .postgres("127.0.0.1", 5432, "app", "relay", "pw")
          .kafkaBootstrapServers("127.0.0.1:9092")
          .outboxTable("shop", "events")
          .set("debezium.poll.interval.ms", "50")
          .set("kafka.producer.key.serializer", "ignored")
          .build();

  @Test
  void readsOnlyInsertsOfTheOutboxWithoutSnapshot() {
    var p = EngineProperties.engine(config);
    assertThat(p)
        .containsEntry("plugin.name", "pgoutput")
        .containsEntry("table.include.list", "shop.events")
        .containsEntry("snapshot.mode", "no_data")
        .containsEntry("publication.autocreate.mode", "disabled")
        .containsEntry("offset.storage", EosOffsetStore.class.getName())
        .containsEntry("lsn.flush.mode", "connector")
        .containsEntry("offset.mismatch.strategy", "no_validation")
        .containsEntry("poll.interval.ms", "50")
        .containsEntry("connector.class", IdleWaitPostgresConnector.class.getName())
        .containsEntry("queue.provider.type", IdleWaitQueue.NAME)
        .containsEntry("converters", "relaybox_created_at")
        .containsEntry("relaybox_created_at.type", CreatedAtConverter.class.getName());
    assertThat(EngineProperties.outboxTopic(config)).isEqualTo("relaybox-relay.shop.events");
  }

  @Test
  void aQuietStreamsReadsWaitUnlessTurnedOff() {
    assertThat(EngineProperties.engine(config))
        .containsEntry("database.socketFactory", PatientPeekSocketFactory.class.getName())
        .containsEntry("database.socketFactoryArg", "100");
    assertThat(EngineProperties.engine(local().set("idle.read.wait.ms", "0").build()))
        .doesNotContainKeys("database.socketFactory", "database.socketFactoryArg");
  }

  @Test
  void atLeastOnceReadsKafkaConnectOffsetsReadCommitted() {
    var p = EngineProperties.engine(local().set("delivery.guarantee", "at-least-once").build());
    assertThat(p)
        .containsEntry("offset.storage", RelayOffsetStore.class.getName())
        .containsEntry("offset.storage.topic", "relaybox.relay.offsets")
        .containsEntry("isolation.level", "read_committed");
  }

  @Test
  void producerIsIdempotentWithByteArrays() {
    var p = EngineProperties.producer(config);
    assertThat(p)
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("transactional.id", "relaybox.relaybox-relay")
        .containsEntry("transaction.timeout.ms", "60000")
        .containsEntry(
            "key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
  }

  private static RelayConfig.Builder local() {
    return RelayConfig.builder()
        .postgres("127.0.0.1", 5432, "app", "relay", "pw")
        .kafkaBootstrapServers("127.0.0.1:9092");
  }
}
