package dev.relaybox.consumers;

import dev.relaybox.consumers.internal.HandlerSettings;
import dev.relaybox.consumers.internal.KafkaConsumerRunner;
import dev.relaybox.consumers.internal.KafkaSettings;
import dev.relaybox.consumers.internal.ProcessedKeySettings;
import dev.relaybox.consumers.internal.RetryPolicy;
import dev.relaybox.consumers.internal.RunnerSettings;
import dev.relaybox.consumers.internal.Scheduling;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Runs one member of a Kafka consumer group that applies each event's effect exactly once, up to
 * {@link Builder#maxInFlight} events at once, never two of one key at a time, each key in offset
 * order.
 *
 * <pre>{@code
 * ConsumerRunner runner = ConsumerRunner.builder()
 *     .bootstrapServers("127.0.0.1:9092").groupId("payments").topics("outbox.event.order")
 *     .dataSource(hikari).deserializer(avroDeserializer)
 *     .handler((event, tx) -> { ... writes on tx ... })
 *     .build();
 * runner.start();          // migrates its tables if needed, then polls
 * ...
 * runner.close();          // finishes the work in flight, commits, leaves the group
 * }</pre>
 *
 * <p><b>Guarantee.</b> The event id (Kafka header {@code id}) is inserted into the processed-keys
 * table with {@code ON CONFLICT DO NOTHING} in the transaction of the effect, which runs only when
 * the key is new; a redelivered event is skipped (counted in {@link ConsumerMetrics#DUPLICATES}).
 * Each partition's offset is committed only up to its lowest event whose fate is not yet durable,
 * so a crash redelivers instead of losing.
 *
 * <p><b>Keys.</b> Records are queued per key (per partition); ready keys are handed to worker
 * threads, a batch of them per transaction when the handler is fast, one event at a time when it is
 * slow. Handlers therefore run concurrently for different keys and must be thread-safe.
 *
 * <p><b>Failures.</b> The {@link ErrorClassifier} decides. A transient failure parks the key, not
 * the partition: the event and the key's later events go to the group's retry set in Postgres,
 * other keys go on, and the head is retried with exponential backoff and jitter up to {@link
 * Builder#maxAttempts}. A permanent failure, the last attempt, or a record that cannot be decoded
 * moves the event to the group's dead set (and a copy to the dead-letter topic); by {@link
 * DeadKeyPolicy} its key then waits for an operator ({@link DeadSet}) or goes on. When the database
 * or the schema registry is unreachable nothing is parked: the work waits and is retried with
 * backoff, without limit.
 */
public interface ConsumerRunner extends AutoCloseable {

  /** Classpath location of the processed-keys Flyway migrations (placeholders as the outbox's). */
  String MIGRATIONS_LOCATION = "classpath:dev/relaybox/consumers/db/migration";

  /**
   * The shortest {@link Builder#processedKeysRetention(Duration)} accepted: 1 hour. An event
   * replayed or redriven after its key was swept is applied again, so a retention shorter than this
   * is almost certainly a unit mistake.
   */
  Duration MIN_PROCESSED_KEYS_RETENTION = Duration.ofHours(1);

  /** A builder with the defaults listed on its setters. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Migrates the processed-keys, retry-set and dead-set tables (unless disabled) and starts the
   * poll thread, the workers and the thread that watches the sets.
   *
   * @throws IllegalStateException if already started or closed
   * @throws org.flywaydb.core.api.FlywayException if the migration fails
   */
  ConsumerRunner start();

  /**
   * Creates or upgrades the processed-keys table and, next to it, {@code <table>_retry_set} and
   * {@code <table>_dead_set} with Flyway (history table {@code <table>_schema_history}).
   * Idempotent; {@link #start()} calls it unless {@link Builder#migrateOnStart(boolean)} is off.
   */
  void migrate();

  /** The consumer group id. */
  String groupId();

  /** Whether the poll thread is running and has polled recently (within max.poll.interval.ms). */
  boolean isHealthy();

  /**
   * Whether the runner holds partitions, polls and takes new records: {@link #notReadyReason()} is
   * empty.
   */
  boolean isReady();

  /**
   * Why the runner is not {@link #isReady() ready}, for {@code /ready}: not started, closed or
   * failed; its poll loop has not returned for longer than {@link Builder#readyStallTimeout} (a
   * rebalance waiting for work on revoked partitions, a commit hanging on the broker); it holds no
   * partition (still joining, or more members than partitions); or {@link #pausedReason()}.
   */
  java.util.Optional<String> notReadyReason();

  /**
   * Why the runner takes no new records, if it does not: the group's parked keys or events reached
   * {@link Builder#maxParkedKeys} or {@link Builder#maxParkedEvents}. Work in flight and retries go
   * on; nothing is dropped.
   */
  java.util.Optional<String> pausedReason();

  /**
   * Stops gracefully: stops polling, lets the work in flight finish (up to the shutdown timeout),
   * commits the offsets and leaves the group. Idempotent.
   */
  @Override
  void close();

  /** Configuration for a {@link ConsumerRunner}; every setter returns {@code this}. */
  final class Builder {
    private String bootstrapServers;
    private String groupId;
    private List<String> topics;
    private DataSource dataSource;
    private Deserializer<?> deserializer;
    private EventHandler eventHandler;
    private TwoPhaseEventHandler<?> twoPhaseHandler;
    private int maxInFlight = 64;
    private DeadKeyPolicy deadKeyPolicy = DeadKeyPolicy.PARK_KEY;
    private int maxParkedKeys = 10_000;
    private int maxParkedEvents = 100_000;
    private String processedKeysSchema = "public";
    private String processedKeysTable = "processed_keys";
    private boolean deduplicate = true;
    private boolean migrateOnStart = true;
    private Duration processedKeysRetention;
    private Duration processedKeysSweepInterval = Duration.ofMinutes(10);
    private String deadLetterTopic;
    private int maxAttempts = 5;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private ErrorClassifier errorClassifier = ErrorClassifier.defaults();
    private MeterRegistry meterRegistry;
    private Duration pollTimeout = Duration.ofMillis(500);
    private Duration readyStallTimeout = Duration.ofSeconds(15);
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private final Map<String, String> consumerProperties = new LinkedHashMap<>();
    private final Map<String, String> producerProperties = new LinkedHashMap<>();

    private Builder() {}

    /** Kafka {@code bootstrap.servers}. Required. */
    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    /** Kafka {@code group.id}, also the processed-keys {@code consumer_group}. Required. */
    public Builder groupId(String groupId) {
      this.groupId = groupId;
      return this;
    }

    /** Topics to subscribe to. Required, at least one. */
    public Builder topics(String... topics) {
      this.topics = topics == null ? null : List.of(topics);
      return this;
    }

    /**
     * Where the processed keys, the retry and dead sets and the handler's effects live; a pool
     * (HikariCP) is recommended. Required. Connections are borrowed per transaction.
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = dataSource;
      return this;
    }

    /**
     * Decodes record values, e.g. the schemas module's {@code AvroDeserializer} configured with
     * {@code specific.avro.reader=true}; called as {@code deserialize(topic, headers, bytes)} from
     * several threads. A permanent failure kills the record (reason undecodable). Required; already
     * configured; the caller keeps ownership (the runner does not close it).
     */
    public Builder deserializer(Deserializer<?> deserializer) {
      this.deserializer = deserializer;
      return this;
    }

    /** A handler whose effect is database writes only. Exactly one handler is required. */
    public Builder handler(EventHandler handler) {
      this.eventHandler = handler;
      return this;
    }

    /** A handler calling a third party, then recording the result. Exactly one is required. */
    public Builder handler(TwoPhaseEventHandler<?> handler) {
      this.twoPhaseHandler = handler;
      return this;
    }

    /**
     * How many events are handled at once, each on a worker thread of its own; never two events of
     * one key. Default 64; 1 handles one event at a time. Handlers must be thread-safe. An {@link
     * EventHandler} holds a pooled connection while it runs, so size the pool at least this; a
     * {@link TwoPhaseEventHandler}'s call holds none.
     */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
      return this;
    }

    /** What a dead event does to its key's later events. Default {@link DeadKeyPolicy#PARK_KEY}. */
    public Builder deadKeyPolicy(DeadKeyPolicy deadKeyPolicy) {
      this.deadKeyPolicy = deadKeyPolicy;
      return this;
    }

    /**
     * Parked keys (group-wide, counted every second) at which the runner stops taking new records
     * until they fall below 90 %; it says why in its log, {@link ConsumerMetrics#INTAKE_PAUSED} and
     * {@link ConsumerRunner#pausedReason()}. Default 10,000.
     */
    public Builder maxParkedKeys(int maxParkedKeys) {
      this.maxParkedKeys = maxParkedKeys;
      return this;
    }

    /** Like {@link #maxParkedKeys} for parked events (retry set plus blocking dead events). */
    public Builder maxParkedEvents(int maxParkedEvents) {
      this.maxParkedEvents = maxParkedEvents;
      return this;
    }

    /** Schema of the processed-keys table. Default {@code public}. Lower-case SQL identifier. */
    public Builder processedKeysSchema(String schema) {
      this.processedKeysSchema = schema;
      return this;
    }

    /**
     * Name of the processed-keys table. Default {@code processed_keys}. A lower-case SQL identifier
     * {@code [a-z_][a-z0-9_]*} of at most 48 characters. Several groups may share it.
     */
    public Builder processedKeysTable(String table) {
      this.processedKeysTable = table;
      return this;
    }

    /**
     * Whether to record and check processed keys. Default true. Turning it off gives up the
     * exactly-once guarantee (a redelivered event is applied again); it exists to measure the cost
     * of deduplication and for handlers that are idempotent by themselves.
     */
    public Builder deduplicate(boolean deduplicate) {
      this.deduplicate = deduplicate;
      return this;
    }

    /**
     * Whether {@link ConsumerRunner#start()} runs {@link ConsumerRunner#migrate()}. Default true.
     */
    public Builder migrateOnStart(boolean migrateOnStart) {
      this.migrateOnStart = migrateOnStart;
      return this;
    }

    /**
     * How long this group's processed keys are kept; older ones are deleted by a background sweeper
     * (its own thread, one short transaction per batch of 5,000 rows, never inside a handler's
     * transaction), counted in {@link ConsumerMetrics#PROCESSED_KEYS_DELETED}. Default null: keys
     * are kept forever and no sweeper runs.
     *
     * <p>A key older than the retention no longer protects its event: a Kafka replay or a
     * dead-letter redrive of that event applies its effect again. Keep it at least the topics'
     * {@code retention.ms} plus the longest time a record may wait in the dead-letter topic before
     * being redriven. At least {@link ConsumerRunner#MIN_PROCESSED_KEYS_RETENTION}; requires {@link
     * #deduplicate(boolean)} on.
     */
    public Builder processedKeysRetention(Duration retention) {
      this.processedKeysRetention = retention;
      return this;
    }

    /**
     * Time between the end of one retention sweep and the start of the next; the first runs at
     * {@link ConsumerRunner#start()}. Default 10 minutes; positive. Used only with {@link
     * #processedKeysRetention(Duration)}.
     */
    public Builder processedKeysSweepInterval(Duration interval) {
      this.processedKeysSweepInterval = interval;
      return this;
    }

    /**
     * Topic that gets a copy of each dead event, for Kafka tooling. Default {@code <groupId>.dlq}.
     * It must exist or be auto-created.
     */
    public Builder deadLetterTopic(String deadLetterTopic) {
      this.deadLetterTopic = deadLetterTopic;
      return this;
    }

    /**
     * Attempts per event for transient failures, the first included, counted durably (an attempt
     * counts even if the process dies during it). Default 5; at least 1.
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Backoff before the second attempt; doubled for each further one, capped at {@link
     * #maxBackoff}, then a random 0–50 % taken off (jitter). Default 200 ms; positive.
     */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
      return this;
    }

    /** Upper bound of one backoff. Default 30 s; at least {@link #initialBackoff}. */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
      return this;
    }

    /** Transient or permanent. Default {@link ErrorClassifier#defaults()}. */
    public Builder errorClassifier(ErrorClassifier errorClassifier) {
      this.errorClassifier = errorClassifier;
      return this;
    }

    /**
     * Where the {@link ConsumerMetrics} go, e.g. a {@code PrometheusMeterRegistry}. Default a
     * private {@code SimpleMeterRegistry}.
     */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = meterRegistry;
      return this;
    }

    /** Longest a poll waits for records. Default 500 ms; positive. */
    public Builder pollTimeout(Duration pollTimeout) {
      this.pollTimeout = pollTimeout;
      return this;
    }

    /**
     * How long the poll loop may go without returning from a poll before the runner reports not
     * ready (see {@link ConsumerRunner#notReadyReason()}). Default 15 s; positive.
     */
    public Builder readyStallTimeout(Duration readyStallTimeout) {
      this.readyStallTimeout = readyStallTimeout;
      return this;
    }

    /** How long {@link ConsumerRunner#close()} waits for the work in flight. Default 30 s. */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    /**
     * A Kafka consumer property, e.g. {@code max.poll.records} (default 500), {@code
     * auto.offset.reset} (default {@code earliest}) or {@code isolation.level} (default {@code
     * read_committed}). {@code group.id}, {@code bootstrap.servers}, {@code enable.auto.commit} and
     * the deserializers are the runner's and rejected at build.
     */
    public Builder consumerProperty(String name, String value) {
      consumerProperties.put(name, value);
      return this;
    }

    /** A property of the dead-letter producer ({@code acks=all}, idempotent by default). */
    public Builder producerProperty(String name, String value) {
      producerProperties.put(name, value);
      return this;
    }

    /**
     * Validates the configuration and builds a runner; nothing connects until {@link
     * ConsumerRunner#start()}.
     *
     * @throws NullPointerException naming a missing property
     * @throws IllegalArgumentException naming an invalid property
     */
    public ConsumerRunner build() {
      KafkaSettings kafka =
          new KafkaSettings(
              bootstrapServers,
              groupId,
              topics,
              deadLetterTopic,
              pollTimeout,
              readyStallTimeout,
              consumerProperties,
              producerProperties);
      return new KafkaConsumerRunner(
          new RunnerSettings(
              kafka,
              new HandlerSettings(
                  dataSource, deserializer, eventHandler, twoPhaseHandler, errorClassifier),
              new ProcessedKeySettings(
                  processedKeysSchema,
                  processedKeysTable,
                  deduplicate,
                  migrateOnStart,
                  processedKeysRetention,
                  processedKeysSweepInterval),
              new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, deadKeyPolicy),
              new Scheduling(maxInFlight, maxParkedKeys, maxParkedEvents),
              meterRegistry == null ? new SimpleMeterRegistry() : meterRegistry,
              shutdownTimeout));
    }
  }
}
