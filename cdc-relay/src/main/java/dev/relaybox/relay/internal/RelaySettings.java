package dev.relaybox.relay.internal;

import static dev.relaybox.config.CommonSettings.KAFKA_BOOTSTRAP_SERVERS;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.config.Setting;
import dev.relaybox.config.Settings;
import java.time.Duration;

/** The relay's settings: one definition each, rendered into cdc-relay/README.md. */
public final class RelaySettings {

  private RelaySettings() {}

  public static final String PRODUCER_PREFIX = "kafka.producer.";
  public static final String DEBEZIUM_PREFIX = "debezium.";

  public static final Setting<String> NAME =
      Setting.text("relay.name")
          .defaultValue("relaybox-relay")
          .doc("Debezium engine name, `topic.prefix` and offset namespace; one per slot")
          .build();

  public static final Setting<String> OUTBOX_SCHEMA =
      Setting.identifier("outbox.schema", 63)
          .defaultValue("public")
          .doc("schema of the outbox table")
          .build();

  public static final Setting<String> OUTBOX_TABLE =
      Setting.identifier("outbox.table", 63)
          .defaultValue("outbox")
          .doc("outbox table name")
          .build();

  public static final Setting<String> SLOT_NAME =
      Setting.identifier("slot.name", 63)
          .defaultValue("relaybox_outbox")
          .doc("logical replication slot (created by Debezium if missing)")
          .build();

  public static final Setting<String> PUBLICATION_NAME =
      Setting.identifier("publication.name", 63)
          .defaultValue("relaybox_outbox")
          .doc("publication (created by the relay if missing)")
          .build();

  public static final Setting<Boolean> ALLOW_MISSING_SLOT =
      Setting.bool("startup.allow.missing.slot")
          .defaultValue("false")
          .doc("start although the slot is gone while offsets exist (events in the gap are lost)")
          .build();

  public static final Setting<String> DLQ_TOPIC =
      Setting.topic("dlq.topic")
          .defaultValue("relaybox.relay.dlq")
          .doc("dead-letter topic")
          .build();

  public static final Setting<String> OFFSETS_STORAGE =
      Setting.oneOf("offsets.storage", "kafka", "file")
          .defaultValue("kafka")
          .doc("`kafka` (offset topic) or `file`")
          .build();

  public static final Setting<String> OFFSETS_TOPIC =
      Setting.topic("offsets.topic")
          .defaultValue("relaybox.relay.offsets")
          .doc("offset topic (created if missing, compacted)")
          .build();

  public static final Setting<Integer> OFFSETS_TOPIC_PARTITIONS =
      Setting.integer("offsets.topic.partitions", 1, 10_000)
          .defaultValue("1")
          .doc("partitions of a new offset topic")
          .build();

  public static final Setting<Integer> OFFSETS_TOPIC_REPLICATION_FACTOR =
      Setting.integer("offsets.topic.replication.factor", -1, Short.MAX_VALUE)
          .defaultValue("-1")
          .check(v -> v != 0, "must be -1 (broker default) or at least 1")
          .doc("replication factor of a new offset topic; -1 = broker default")
          .build();

  public static final Setting<String> OFFSETS_FILE =
      Setting.text("offsets.file")
          .optional()
          .doc("offset file, required when `offsets.storage=file`")
          .build();

  public static final Setting<Duration> OFFSETS_FLUSH_INTERVAL =
      Setting.millis("offsets.flush.interval.ms", 1, Integer.MAX_VALUE)
          .defaultValue("1000")
          .doc(
              "how often offsets are committed (and the slot advanced); bounds duplicates after a"
                  + " crash")
          .build();

  public static final Setting<Duration> HEARTBEAT_INTERVAL =
      Setting.millis("heartbeat.interval.ms", 0, Integer.MAX_VALUE)
          .defaultValue("10000")
          .doc("Debezium heartbeat interval; 0 disables heartbeats")
          .build();

  public static final Setting<String> HEARTBEAT_ACTION_QUERY =
      Setting.text("heartbeat.action.query")
          .defaultValue("SELECT pg_logical_emit_message(false, 'relaybox-heartbeat', now()::text)")
          .doc("run at every heartbeat so an idle outbox does not pin WAL")
          .build();

  public static final Setting<Duration> POLL_INTERVAL =
      Setting.millis("poll.interval.ms", 1, 60_000)
          .defaultValue("10")
          .doc("Debezium queue poll interval (latency when idle)")
          .build();

  public static final Setting<Integer> MAX_BATCH_SIZE =
      Setting.integer("max.batch.size", 1, 1_000_000)
          .defaultValue("4096")
          .doc("max records per Debezium batch (one `flush()` per batch)")
          .build();

  public static final Setting<Integer> MAX_QUEUE_SIZE =
      Setting.integer("max.queue.size", 2, 10_000_000)
          .defaultValue("16384")
          .doc("Debezium queue size; must exceed `max.batch.size`")
          .build();

  public static final Setting<Duration> RESTART_BACKOFF_INITIAL =
      Setting.millis("restart.backoff.initial.ms", 1, Integer.MAX_VALUE)
          .defaultValue("500")
          .doc("first delay before restarting a failed engine")
          .build();

  public static final Setting<Duration> RESTART_BACKOFF_MAX =
      Setting.millis("restart.backoff.max.ms", 1, Integer.MAX_VALUE)
          .defaultValue("30000")
          .doc("backoff cap (doubles per failure, resets once streaming)")
          .build();

  public static final Setting<Duration> SLOT_LAG_POLL_INTERVAL =
      Setting.millis("slot.lag.poll.interval.ms", 100, Integer.MAX_VALUE)
          .defaultValue("10000")
          .doc("how often the slot lag gauge is refreshed")
          .build();

  public static final Setting<Integer> HTTP_PORT = CommonSettings.httpPort(8080);

  /** Every relay setting, in README order. */
  public static final Settings ALL =
      Settings.builder("relay", "cdc-relay/README.md")
          .add(
              NAME,
              CommonSettings.PG_HOST,
              CommonSettings.PG_PORT,
              CommonSettings.PG_DATABASE,
              CommonSettings.PG_USER,
              CommonSettings.PG_PASSWORD,
              CommonSettings.PG_SSLMODE,
              OUTBOX_SCHEMA,
              OUTBOX_TABLE,
              SLOT_NAME,
              PUBLICATION_NAME,
              ALLOW_MISSING_SLOT,
              KAFKA_BOOTSTRAP_SERVERS,
              CommonSettings.TOPIC_PATTERN,
              DLQ_TOPIC,
              OFFSETS_STORAGE,
              OFFSETS_TOPIC,
              OFFSETS_TOPIC_PARTITIONS,
              OFFSETS_TOPIC_REPLICATION_FACTOR,
              OFFSETS_FILE,
              OFFSETS_FLUSH_INTERVAL,
              HEARTBEAT_INTERVAL,
              HEARTBEAT_ACTION_QUERY,
              POLL_INTERVAL,
              MAX_BATCH_SIZE,
              MAX_QUEUE_SIZE,
              RESTART_BACKOFF_INITIAL,
              RESTART_BACKOFF_MAX,
              SLOT_LAG_POLL_INTERVAL,
              CommonSettings.HTTP_HOST,
              HTTP_PORT)
          .passThrough(
              PRODUCER_PREFIX,
              "passed to the producer (prefix removed); `acks` must stay `all`,"
                  + " `enable.idempotence` true")
          .passThrough(
              DEBEZIUM_PREFIX,
              "passed to the Debezium engine (prefix removed), overriding the relay's choices;"
                  + " expert use")
          .build();
}
