package dev.relaybox.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.relay.RelayConfig;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The offsets tail on a real broker: it finds the relay's latest position whether or not it lies in
 * the window before the end, reads on incrementally, and a standby's pre-read never waits for an
 * open transaction while the takeover's catch-up does.
 */
@ExtendWith(DevStackExtension.class)
class OffsetsTailIT {
  private final OffsetCodec own = new OffsetCodec("relay-a");
  private final OffsetCodec other = new OffsetCodec("relay-b");

  @Test
  void findsTheLatestOwnPositionInsideOrBeforeTheWindowAndReadsOn(DevStack stack) throws Exception {
    RelayConfig config = config(stack);
    try (KafkaProducer<byte[], byte[]> producer = producer(stack, null)) {
      send(producer, config, own, position(100));
      // another relay sharing the topic pushes ours out of the window: the read starts over
      for (long i = 0; i < OffsetsTail.WINDOW + 200; i++) {
        send(producer, config, other, position(10_000 + i));
      }
      producer.flush();
      try (OffsetsTail tail = new OffsetsTail(config, own, Duration.ofSeconds(30))) {
        assertThat(tail.catchUp(Duration.ofSeconds(30))).contains(position(100));
        send(producer, config, own, position(200));
        producer.flush();
        assertThat(tail.catchUp(Duration.ofSeconds(30))).contains(position(200));
      }
      try (OffsetsTail fresh = new OffsetsTail(config, own, Duration.ofSeconds(30))) {
        assertThat(fresh.catchUp(Duration.ofSeconds(30))).contains(position(200));
      }
    }
  }

  @Test
  void thePreReadSkipsAnOpenTransactionAndTheCatchUpWaitsForIt(DevStack stack) throws Exception {
    RelayConfig config = config(stack);
    try (KafkaProducer<byte[], byte[]> producer = producer(stack, "tail-it-" + UUID.randomUUID());
        OffsetsTail tail = new OffsetsTail(config, own, Duration.ofSeconds(30))) {
      producer.initTransactions();
      producer.beginTransaction();
      send(producer, config, own, position(300));
      producer.commitTransaction();
      producer.beginTransaction();
      send(producer, config, own, position(400));
      producer.flush();

      tail.advance(Duration.ofSeconds(5)); // returns: only what is decided
      assertThatThrownBy(() -> tail.catchUp(Duration.ofSeconds(2)))
          .isInstanceOf(TimeoutException.class);
      producer.commitTransaction();
      assertThat(tail.catchUp(Duration.ofSeconds(30))).contains(position(400));
    }
  }

  private static RelayConfig config(DevStack stack) throws Exception {
    RelayConfig config =
        RelayConfig.builder()
            .setAll(stack.relayProperties())
            .offsetsTopic("tail-it-" + UUID.randomUUID())
            .build();
    OffsetsTopic.ensure(config, Duration.ofSeconds(30));
    return config;
  }

  private static KafkaProducer<byte[], byte[]> producer(DevStack stack, String transactionalId) {
    Map<String, Object> p =
        new java.util.HashMap<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()));
    if (transactionalId != null) {
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    }
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, RelayConfig config, OffsetCodec codec, Position p) {
    producer.send(
        new ProducerRecord<>(
            config.get(RelaySettings.OFFSETS_TOPIC), codec.key(), codec.encode(p)));
  }

  private static Position position(long lsn) {
    StreamCursor c = new StreamCursor(null);
    c.change(
        Map.of(
            "txId",
            lsn,
            "lsn",
            lsn,
            "lsn_proc",
            lsn,
            "lsn_commit",
            lsn,
            "ts_usec",
            7L,
            "messageType",
            "INSERT"),
        "id-" + lsn);
    return c.position();
  }
}
