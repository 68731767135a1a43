package dev.relaybox.consumers;

import dev.relaybox.consumers.internal.KafkaConsumerRunner;
import dev.relaybox.consumers.internal.RunnerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Runs one member of a Kafka consumer group that applies each event's effect exactly once.
 *
 * <pre>{@code
 * ConsumerRunner runner = ConsumerRunner.builder()
 *     .bootstrapServers("127.0.0.1:9092").groupId("payments").topics("outbox.event.order")
 *     .dataSource(hikari).deserializer(avroDeserializer)
 *     .handler((event, tx) -> { ... writes on tx ... })
 *     .build();
 * runner.start();          // creates the processed-keys table if needed, then polls
 * ...
 * runner.close();          // finishes the in-flight batch, commits, leaves the group
 * }</pre>
 *
 * <p><b>Guarantee.</b> For every poll batch the runner opens one transaction, inserts {@code
 * (group, event id)} into the processed-keys table with {@code ON CONFLICT DO NOTHING} and runs the
 * handler only when the row is new, so the key and the effect commit together or not at all; a
 * redelivered event finds its key and is skipped (counted in {@link ConsumerMetrics#DUPLICATES}).
 * Kafka offsets are committed synchronously only after the transaction has committed, so a crash
 * anywhere redelivers instead of losing. The event id is the Kafka header {@code id} (a UUID).
 *
 * <p><b>Batches.</b> The batch first runs without savepoints; if any event fails the transaction is
 * rolled back and the batch runs again with a savepoint per event, so one failure does not undo the
 * others (savepoints cost two extra round trips per event, only paid when something failed).
 *
 * <p><b>Failures.</b> A failed event is classified by the {@link ErrorClassifier}. Transient: its
 * partition is rewound to it and paused for an exponential backoff with jitter, other partitions go
 * on, and it is retried up to {@link Builder#maxAttempts} times. Permanent, or still failing after
 * the last attempt: it is copied to the dead-letter topic with the {@link DeadLetterHeaders} and
 * its offset is committed. A record the deserializer rejects for good (bad magic byte, unknown
 * schema id), or without a valid {@code id} header, goes to the dead-letter topic directly. When
 * the database, the dead-letter topic or the schema registry is unreachable the whole batch is
 * rewound and retried with backoff, without limit.
 *
 * <p><b>Threads.</b> {@link #start()} starts one poll thread that calls the handler, and with a
 * {@link Builder#processedKeysRetention(Duration) retention} one sweeper thread that borrows a
 * pooled connection per batch of deletes; the other methods are thread-safe.
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
   * Migrates the processed-keys table (unless disabled) and starts the poll thread.
   *
   * @throws IllegalStateException if already started or closed
   * @throws org.flywaydb.core.api.FlywayException if the migration fails
   */
  ConsumerRunner start();

  /**
   * Creates or upgrades the processed-keys table with Flyway (history table {@code
   * <table>_schema_history}). Idempotent; {@link #start()} calls it unless {@link
   * Builder#migrateOnStart(boolean)} is off.
   */
  void migrate();

  /** The consumer group id. */
  String groupId();

  /** Whether the poll thread is running and has polled recently (within max.poll.interval.ms). */
  boolean isHealthy();

  /** Whether the runner has joined its group and completed a poll; false after {@link #close()}. */
  boolean isReady();

  /**
   * Stops gracefully: wakes the poll thread, lets it finish the batch in flight, commits its
   * offsets and leaves the group. Waits up to the shutdown timeout. Idempotent.
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
    private int callConcurrency = 1;
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
     * Where the processed keys and the handler's effects live; a pool (HikariCP) is recommended.
     * Required. The runner borrows one connection per batch and returns it.
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = dataSource;
      return this;
    }

    /**
     * Decodes record values, e.g. the schemas module's {@code AvroDeserializer} configured with
     * {@code specific.avro.reader=true}; called as {@code deserialize(topic, headers, bytes)}. Any
     * exception it throws dead-letters the record. Required; already configured; the caller keeps
     * ownership (the runner does not close it).
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
     * How many partitions of a poll batch a {@link TwoPhaseEventHandler} calls in parallel. Default
     * 1 (on the poll thread). Above 1, {@link TwoPhaseEventHandler#call} runs on a pool of this
     * many threads and must be thread-safe; the events of one partition are still called one at a
     * time, in offset order. {@code record} always runs on the poll thread.
     */
    public Builder callConcurrency(int callConcurrency) {
      this.callConcurrency = callConcurrency;
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

    /** Dead-letter topic. Default {@code <groupId>.dlq}. It must exist or be auto-created. */
    public Builder deadLetterTopic(String deadLetterTopic) {
      this.deadLetterTopic = deadLetterTopic;
      return this;
    }

    /** Attempts per event for transient failures, the first included. Default 5; at least 1. */
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

    /** How long {@link ConsumerRunner#close()} waits for the batch in flight. Default 30 s. */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    /**
     * A Kafka consumer property, e.g. {@code max.poll.records} (default 500) or {@code
     * auto.offset.reset} (default {@code earliest}). {@code group.id}, {@code bootstrap.servers},
     * {@code enable.auto.commit} and the deserializers are the runner's and rejected at build.
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
      return new KafkaConsumerRunner(
          new RunnerSettings(
              bootstrapServers,
              groupId,
              topics,
              dataSource,
              deserializer,
              eventHandler,
              twoPhaseHandler,
              callConcurrency,
              processedKeysSchema,
              processedKeysTable,
              deduplicate,
              migrateOnStart,
              processedKeysRetention,
              processedKeysSweepInterval,
              deadLetterTopic == null && groupId != null ? groupId + ".dlq" : deadLetterTopic,
              maxAttempts,
              initialBackoff,
              maxBackoff,
              errorClassifier,
              meterRegistry == null ? new SimpleMeterRegistry() : meterRegistry,
              pollTimeout,
              shutdownTimeout,
              consumerProperties,
              producerProperties));
    }
  }
}
