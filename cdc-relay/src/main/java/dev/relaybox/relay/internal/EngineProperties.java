package dev.relaybox.relay.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.relay.RelayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Translates a {@link RelayConfig} into Debezium engine and Kafka producer properties. */
final class EngineProperties {
  private EngineProperties() {}

  /** The Debezium topic of outbox change events: {@code name.schema.table}. */
  /** What the relay reads and where it writes, for its start log line. */
  static String describe(RelayConfig c) {
    return String.format(
        "name=%s %s slot=%s publication=%s table=%s.%s topicPattern=%s dlqTopic=%s offsets=%s"
            + " deliveryGuarantee=%s",
        c.name(),
        Shard.of(c),
        c.slotName(),
        c.publicationName(),
        c.get(CommonSettings.OUTBOX_SCHEMA),
        c.get(CommonSettings.OUTBOX_TABLE),
        c.get(CommonSettings.TOPIC_PATTERN),
        c.get(RelaySettings.DLQ_TOPIC),
        c.get(RelaySettings.OFFSETS_STORAGE).equals("kafka")
            ? "kafka:" + c.get(RelaySettings.OFFSETS_TOPIC)
            : "file:" + Path.of(c.get(RelaySettings.OFFSETS_FILE)),
        c.get(RelaySettings.DELIVERY_GUARANTEE));
  }

  static String outboxTopic(RelayConfig c) {
    return c.name()
        + "."
        + c.get(CommonSettings.OUTBOX_SCHEMA)
        + "."
        + c.get(CommonSettings.OUTBOX_TABLE);
  }

  static Map<String, String> engine(RelayConfig c) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("name", c.name());
    // Debezium's connector and queue, with an idle poll that waits instead of spinning.
    p.put("connector.class", IdleWaitPostgresConnector.class.getName());
    p.put("queue.provider.type", IdleWaitQueue.NAME);
    p.put("topic.prefix", c.name());
    p.put("plugin.name", "pgoutput");
    p.put("database.hostname", c.get(CommonSettings.PG_HOST));
    p.put("database.port", Integer.toString(c.get(CommonSettings.PG_PORT)));
    p.put("database.dbname", c.get(CommonSettings.PG_DATABASE));
    p.put("database.user", c.get(CommonSettings.PG_USER));
    p.put("database.password", Objects.toString(c.get(CommonSettings.PG_PASSWORD), ""));
    p.put("database.sslmode", c.get(CommonSettings.PG_SSLMODE));
    Duration readWait = c.get(RelaySettings.IDLE_READ_WAIT);
    if (!readWait.isZero()) {
      p.put("database.socketFactory", PatientPeekSocketFactory.class.getName());
      p.put("database.socketFactoryArg", ms(readWait));
    }
    p.put("slot.name", c.slotName());
    p.put("publication.name", c.publicationName());
    // Preflight creates (or validates) the inserts-only publication itself.
    p.put("publication.autocreate.mode", "disabled");
    p.put(
        "table.include.list",
        c.get(CommonSettings.OUTBOX_SCHEMA) + "." + c.get(CommonSettings.OUTBOX_TABLE));
    p.put("snapshot.mode", "no_data");
    p.put("skipped.operations", "u,d,t");
    p.put("tombstones.on.delete", "false");
    p.put("binary.handling.mode", "bytes");
    // created_at as a Connect Timestamp: no ISO string printed per event and parsed again.
    p.put("converters", "relaybox_created_at");
    p.put("relaybox_created_at.type", CreatedAtConverter.class.getName());
    p.put("heartbeat.interval.ms", ms(c.get(RelaySettings.HEARTBEAT_INTERVAL)));
    p.put("heartbeat.action.query", c.get(RelaySettings.HEARTBEAT_ACTION_QUERY));
    p.put("poll.interval.ms", ms(c.get(RelaySettings.POLL_INTERVAL)));
    p.put("max.batch.size", Integer.toString(c.get(RelaySettings.MAX_BATCH_SIZE)));
    p.put("max.queue.size", Integer.toString(c.get(RelaySettings.MAX_QUEUE_SIZE)));
    p.put("offset.flush.interval.ms", ms(c.get(RelaySettings.OFFSETS_FLUSH_INTERVAL)));
    p.put("offset.flush.timeout.ms", "10000");
    // Retriable connector errors (Postgres restarts, slot still held by a killed relay) are
    // retried inside the engine forever; anything else ends the run and the supervisor restarts.
    p.put("errors.max.retries", "-1");
    p.put("errors.retry.delay.initial.ms", "300");
    p.put("errors.retry.delay.max.ms", "10000");
    p.put("retriable.restart.connector.wait.ms", "2000");
    p.put("slot.max.retries", "30");
    p.put("slot.retry.delay.ms", "1000");
    p.put("bootstrap.servers", c.get(CommonSettings.KAFKA_BOOTSTRAP_SERVERS));
    if (c.exactlyOnce()) {
      // The relay stores offsets itself (see EosOffsetStore); the slot is confirmed only from
      // what Kafka committed: Debezium flushes the LSNs of processed records, nothing else.
      p.put("offset.storage", EosOffsetStore.class.getName());
      p.put("lsn.flush.mode", "connector");
      p.put("offset.mismatch.strategy", "no_validation");
    } else if (c.get(RelaySettings.OFFSETS_STORAGE).equals("kafka")) {
      p.put("offset.storage", RelayOffsetStore.class.getName());
      // Offsets an exactly-once relay wrote may sit next to aborted transactions.
      p.put("isolation.level", "read_committed");
      p.put("offset.storage.topic", c.get(RelaySettings.OFFSETS_TOPIC));
      p.put(
          "offset.storage.partitions",
          Integer.toString(c.get(RelaySettings.OFFSETS_TOPIC_PARTITIONS)));
      p.put(
          "offset.storage.replication.factor",
          Integer.toString(c.get(RelaySettings.OFFSETS_TOPIC_REPLICATION_FACTOR)));
    } else {
      p.put("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
      p.put("offset.storage.file.filename", c.get(RelaySettings.OFFSETS_FILE));
    }
    p.putAll(c.withPrefix(RelaySettings.DEBEZIUM_PREFIX));
    return p;
  }

  /**
   * The {@code kafka.producer.*} settings every Kafka client of the relay needs too: {@code
   * security.protocol}, {@code sasl.*}, {@code ssl.*}.
   */
  static Map<String, String> clientSecurity(RelayConfig c) {
    Map<String, String> p = new LinkedHashMap<>();
    c.withPrefix(RelaySettings.PRODUCER_PREFIX)
        .forEach(
            (k, v) -> {
              if (k.equals("security.protocol") || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                p.put(k, v);
              }
            });
    return p;
  }

  private static String ms(Duration duration) {
    return Long.toString(duration.toMillis());
  }

  static Map<String, Object> producer(RelayConfig c) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, c.get(CommonSettings.KAFKA_BOOTSTRAP_SERVERS));
    p.put(ProducerConfig.CLIENT_ID_CONFIG, c.name() + "-producer");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    if (c.exactlyOnce()) {
      p.put(
          ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, ms(c.get(RelaySettings.TRANSACTION_TIMEOUT)));
    }
    p.putAll(c.withPrefix(RelaySettings.PRODUCER_PREFIX));
    if (c.exactlyOnce()) {
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, c.transactionalId());
    }
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }
}
