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

  /** The prefix of the relay's heartbeat messages; their content is the wall time in millis. */
  public static final String HEARTBEAT_PREFIX = "relaybox-heartbeat";

  static final String HEARTBEAT_QUERY =
      "SELECT pg_logical_emit_message(false, '"
          + HEARTBEAT_PREFIX
          + "', (extract(epoch from clock_timestamp()) * 1000)::bigint::text)";

  /**
   * Whether {@code debezium.<key>} would override what the exactly-once relay relies on: how the
   * slot is confirmed, where offsets are stored, how Debezium resumes.
   */
  public static boolean fixedForExactlyOnce(String key) {
    return key.startsWith("offset.storage")
        || java.util.Set.of(
                "lsn.flush.mode",
                "flush.lsn.source",
                "offset.mismatch.strategy",
                "slot.seek.to.known.offset.on.start",
                "snapshot.mode",
                "provide.transaction.metadata",
                "log.position.check.enable")
            .contains(key);
  }

  public static final Setting<String> NAME =
      Setting.text("relay.name")
          .defaultValue("relaybox-relay")
          .doc("Debezium engine name, `topic.prefix` and offset namespace; one per slot")
          .build();

  public static final Setting<String> PUBLICATION_NAME =
      Setting.identifier("publication.name", 63)
          .defaultValue("relaybox_outbox")
          .doc("publication (created by the relay if missing)")
          .build();

  /** The value of {@link #RECORD_TIMESTAMP} that stamps records with their commit time. */
  public static final String COMMIT_TIMESTAMP = "commit";

  public static final Setting<String> RECORD_TIMESTAMP =
      Setting.oneOf("record.timestamp", "created_at", COMMIT_TIMESTAMP)
          .defaultValue("created_at")
          .doc(
              "the Kafka record timestamp: the row's `created_at`, or the `commit` time of its"
                  + " transaction (to the millisecond); `commit` creates the publication without"
                  + " `created_at` (Postgres 15+), so Debezium no longer parses it per event:"
                  + " faster drains")
          .build();

  public static final Setting<Integer> SHARD_COUNT =
      Setting.integer("shard.count", 1, Shard.MAX_COUNT)
          .defaultValue("1")
          .doc(
              "relays sharing the outbox by a hash of `aggregateid`; above 1, `relay.name`, the"
                  + " slot, the publication (row-filtered to the shard) and the transactional id"
                  + " get the suffix `-shard-<i>-of-<n>` (`_shard_<i>_of_<n>`); Postgres 15+")
          .build();

  public static final Setting<Integer> SHARD_INDEX =
      Setting.integer("shard.index", 0, Shard.MAX_COUNT - 1)
          .defaultValue("0")
          .doc("this relay's shard, 0 to `shard.count` − 1")
          .build();

  public static final Setting<Boolean> ALLOW_MISSING_SLOT =
      Setting.bool("startup.allow.missing.slot")
          .defaultValue("false")
          .doc(
              "start from a new slot although the slot is gone or invalidated while offsets exist"
                  + " (events in the gap are not streamed: reconcile them)")
          .build();

  /** The value of {@link #DELIVERY_GUARANTEE} that turns Kafka transactions on. */
  public static final String EXACTLY_ONCE = "exactly-once";

  public static final Setting<String> DELIVERY_GUARANTEE =
      Setting.oneOf("delivery.guarantee", EXACTLY_ONCE, "at-least-once")
          .defaultValue(EXACTLY_ONCE)
          .doc(
              "`exactly-once`: one Kafka transaction per batch holding its records and the relay's"
                  + " offset; `at-least-once`: idempotent producer, a crash re-sends up to one"
                  + " offset flush interval")
          .build();

  public static final Setting<Duration> TRANSACTION_TIMEOUT =
      Setting.millis("transaction.timeout.ms", 1_000, 900_000)
          .defaultValue("60000")
          .doc(
              "exactly-once: the broker aborts a transaction of a dead relay after this; until"
                  + " then read_committed readers wait")
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
              "how often the slot is advanced (at-least-once: also how often offsets are stored,"
                  + " which bounds duplicates after a crash)")
          .build();

  public static final Setting<Duration> HEARTBEAT_INTERVAL =
      Setting.millis("heartbeat.interval.ms", 0, Integer.MAX_VALUE)
          .defaultValue("10000")
          .doc("Debezium heartbeat interval; 0 disables heartbeats")
          .build();

  public static final Setting<String> HEARTBEAT_ACTION_QUERY =
      Setting.text("heartbeat.action.query")
          .defaultValue(HEARTBEAT_QUERY)
          .doc(
              "run at every heartbeat so an idle outbox does not pin WAL; its message (epoch"
                  + " millis) tells `outbox reconcile` how far the relay got")
          .build();

  public static final Setting<Duration> POLL_INTERVAL =
      Setting.millis("poll.interval.ms", 1, 60_000)
          .defaultValue("10")
          .doc(
              "how long Debezium lets a batch fill once a change is queued, and how long its"
                  + " streaming thread sleeps after five empty reads of the slot: the latency"
                  + " floor. An idle relay's engine thread sleeps until a change arrives instead of"
                  + " polling at this rate (overriding `debezium.connector.class` or"
                  + " `debezium.queue.provider.type` brings Debezium's polling back)")
          .build();

  public static final Setting<Duration> IDLE_READ_WAIT =
      Setting.millis("idle.read.wait.ms", 0, 1_000)
          .defaultValue("100")
          .doc(
              "once no change has come from the slot for 250 ms, how long each read of it"
                  + " waits for one instead of pgjdbc's 1 ms peek: an idle relay then reads ~20×"
                  + " less often (idle, ~1 CPU-s a minute against ~2.7 at 0). The wait holds"
                  + " the connection, so an LSN flush during it waits too (it bounds how late a"
                  + " quiet relay confirms the slot and sees a stop); 0 keeps pgjdbc's peek")
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

  public static final Setting<Duration> READY_STALL =
      Setting.millis("ready.stall.ms", 1, Integer.MAX_VALUE)
          .defaultValue("15000")
          .doc(
              "`/ready` fails while publishing one batch takes longer than this (Kafka does not"
                  + " take the events), as it does while the engine is not streaming from the slot")
          .build();

  public static final Setting<Duration> LEASE_TIMEOUT =
      Setting.millis("lease.timeout.ms", 1000, Integer.MAX_VALUE)
          .defaultValue("10000")
          .doc(
              "relays with the same `relay.name` elect one active through a Postgres advisory lock;"
                  + " the active renews its lock session every quarter of this, and a relay paused"
                  + " or cut off for longer loses the role to a standby")
          .build();

  public static final Setting<Duration> STANDBY_POLL =
      Setting.millis("standby.poll.ms", 100, Integer.MAX_VALUE)
          .defaultValue("500")
          .doc(
              "how often a standby relay tries to take the active role (and reads the committed"
                  + " position further, so a takeover only catches up)")
          .build();

  public static final Setting<Duration> SLOT_MONITOR_INTERVAL =
      Setting.millis("slot.monitor.interval.ms", 100, Integer.MAX_VALUE)
          .defaultValue("10000")
          .doc(
              "how often the slot's WAL retention is read (metrics, alert) and checked for"
                  + " invalidation, drop or recreation")
          .build();

  public static final Setting<Integer> SLOT_WAL_ALERT_PERCENT =
      Setting.integer("slot.wal.alert.percent", 1, 100)
          .defaultValue("80")
          .doc(
              "alert (log, `relaybox_relay_slot_wal_alert`) when the slot retains this share of"
                  + " `max_slot_wal_keep_size`, or its `wal_status` is `unreserved`")
          .build();

  public static final Setting<Boolean> RECONCILE_AFTER_SLOT_LOSS =
      Setting.bool("reconcile.after.slot.loss")
          .defaultValue("false")
          .doc(
              "with `startup.allow.missing.slot`: once streaming from the new slot, republish the"
                  + " gap's retained outbox rows that never reached Kafka (RETAIN outbox only)")
          .build();

  public static final Setting<Duration> MAX_TRANSACTION_AGE =
      Setting.millis("reconcile.max.transaction.age.ms", 0, Integer.MAX_VALUE)
          .defaultValue("300000")
          .doc(
              "longest time between an outbox row's `created_at` (transaction start) and its"
                  + " commit; reconcile windows are widened by it")
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
              CommonSettings.OUTBOX_SCHEMA,
              CommonSettings.OUTBOX_TABLE,
              CommonSettings.SLOT_NAME,
              PUBLICATION_NAME,
              RECORD_TIMESTAMP,
              SHARD_COUNT,
              SHARD_INDEX,
              ALLOW_MISSING_SLOT,
              KAFKA_BOOTSTRAP_SERVERS,
              DELIVERY_GUARANTEE,
              TRANSACTION_TIMEOUT,
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
              IDLE_READ_WAIT,
              MAX_BATCH_SIZE,
              MAX_QUEUE_SIZE,
              RESTART_BACKOFF_INITIAL,
              RESTART_BACKOFF_MAX,
              CommonSettings.STARTUP_BACKOFF_INITIAL,
              CommonSettings.STARTUP_BACKOFF_MAX,
              READY_STALL,
              LEASE_TIMEOUT,
              STANDBY_POLL,
              SLOT_MONITOR_INTERVAL,
              SLOT_WAL_ALERT_PERCENT,
              RECONCILE_AFTER_SLOT_LOSS,
              MAX_TRANSACTION_AGE,
              CommonSettings.HTTP_HOST,
              HTTP_PORT)
          .passThrough(
              PRODUCER_PREFIX,
              "passed to the producer (prefix removed); `acks` must stay `all`,"
                  + " `enable.idempotence` true; `transactional.id` (exactly-once only) overrides"
                  + " `relaybox.<relay.name>` (a shard appends its suffix)")
          .passThrough(
              DEBEZIUM_PREFIX,
              "passed to the Debezium engine (prefix removed), overriding the relay's choices;"
                  + " expert use (`debezium.converters` replaces the relay's `created_at`"
                  + " converter, `CreatedAtConverter`: the record timestamp stays `created_at`,"
                  + " Debezium just prints and the relay parses it per event again)")
          .build();
}
