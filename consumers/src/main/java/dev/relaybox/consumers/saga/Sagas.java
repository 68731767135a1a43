package dev.relaybox.consumers.saga;

import dev.relaybox.config.SqlIdentifier;
import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.ErrorClassifier;
import dev.relaybox.consumers.EventHandler;
import dev.relaybox.consumers.internal.ProcessedKeySettings;
import dev.relaybox.consumers.saga.internal.JdbcSagas;
import dev.relaybox.consumers.saga.internal.SagasSettings;
import dev.relaybox.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Runs sagas of the given {@link SagaDefinition definitions}: begins them in the caller's
 * transaction, moves them on the replies a {@link dev.relaybox.consumers.ConsumerRunner} consumes
 * (in the transaction that records the reply's processed key, so a redelivered reply never moves a
 * saga twice), and runs retries and deadlines from a poller thread. Thread-safe.
 *
 * <pre>{@code
 * Sagas sagas = Sagas.builder().dataSource(pool).outbox(outbox).saga(fulfil).build().start();
 * sagas.begin(tx, fulfil, orderId, order);                      // with the business rows
 * ConsumerRunner.builder()...topics("outbox.event.payment-reply")
 *     .handler(sagas.replyHandler(fulfil, event -> toReply(event))).build().start();
 * }</pre>
 */
public interface Sagas extends AutoCloseable {

  /**
   * How often the poller runs due retries and deadlines by default (the service host's {@code
   * saga.poll.interval.ms}): a deadline fires at most this late.
   */
  Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

  /**
   * How long a running or compensating saga may stand still by default before it counts as stuck
   * (the service host's {@code saga.stuck.after.ms}).
   */
  Duration DEFAULT_STUCK_AFTER = Duration.ofMinutes(10);

  /** A builder with the defaults listed on its setters. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Migrates the saga table (with the consumers' other tables) if asked to, and starts the poller.
   *
   * @return this
   */
  Sagas start();

  /**
   * Begins a saga in {@code tx}, the caller's transaction: stores it and runs its first step's
   * action (and every local step after it) in the same transaction.
   *
   * @return false if a saga of this type and id exists already (nothing is done): beginning is
   *     idempotent, e.g. from a redelivered event
   * @throws IllegalArgumentException if the definition was not given to the builder or the id is
   *     blank or over 255 characters
   */
  <D> boolean begin(Connection tx, SagaDefinition<D> definition, String sagaId, D data)
      throws SQLException;

  /**
   * A consumer handler that moves the sagas of {@code definition} on the replies {@code mapper}
   * reads from consumed events (null for an event that is no reply). A reply for a saga that does
   * not exist is retried (it may have overtaken the event that begins the saga, e.g. in a replay),
   * then dead after the runner's attempts; one the saga does not wait for is ignored and counted in
   * {@code relaybox.saga.replies.ignored}.
   */
  EventHandler replyHandler(
      SagaDefinition<?> definition, Function<ConsumedEvent, SagaReply> mapper);

  /** Runs due retries and deadlines once, now (what the poller does every interval). */
  int pollOnce() throws SQLException;

  /** Stops the poller after its current saga. */
  @Override
  void close();

  /** Configuration of {@link Sagas}; not thread-safe. */
  final class Builder {
    private DataSource dataSource;
    private Outbox outbox;
    private String schema = "public";
    private String processedKeysTable = "processed_keys";
    private final List<SagaDefinition<?>> definitions = new ArrayList<>();
    private ErrorClassifier errorClassifier = ErrorClassifier.defaults();
    private int maxAttempts = 5;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration stuckAfter = DEFAULT_STUCK_AFTER;
    private MeterRegistry meterRegistry = new SimpleMeterRegistry();
    private boolean migrateOnStart = true;

    private Builder() {}

    /** The service's database: saga table, processed keys, outbox. Required. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = dataSource;
      return this;
    }

    /** The outbox that actions publish through. Required. */
    public Builder outbox(Outbox outbox) {
      this.outbox = outbox;
      return this;
    }

    /**
     * The processed-keys table of the runners consuming the replies; the saga table is {@code
     * <table>_sagas} next to it. Default {@code public} / {@code processed_keys}.
     */
    public Builder processedKeysTable(String schema, String table) {
      this.schema = schema;
      this.processedKeysTable = table;
      return this;
    }

    /** A saga definition run here; add each one (at least one), types unique. */
    public Builder saga(SagaDefinition<?> definition) {
      definitions.add(Objects.requireNonNull(definition, "saga definition must not be null"));
      return this;
    }

    /** Which action failures are retried. Default {@link ErrorClassifier#defaults()}. */
    public Builder errorClassifier(ErrorClassifier errorClassifier) {
      this.errorClassifier = errorClassifier;
      return this;
    }

    /**
     * Runs of an action or compensation for transient failures and of a step on {@link
     * OnTimeout#RETRY}, first included. Default 5.
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Delay before the first retry, doubling with jitter up to {@code max}. 200 ms / 30 s. */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** How often the poller runs; at least 10 ms. Default {@link #DEFAULT_POLL_INTERVAL}. */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
      return this;
    }

    /**
     * When a saga not moving counts in {@code relaybox.saga.stuck}; at least 1 s. Default {@link
     * #DEFAULT_STUCK_AFTER}.
     */
    public Builder stuckAfter(Duration stuckAfter) {
      this.stuckAfter = stuckAfter;
      return this;
    }

    /** Where the saga metrics go. Default a private {@link SimpleMeterRegistry}. */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = meterRegistry;
      return this;
    }

    /** Whether {@link Sagas#start()} migrates the consumers' tables. Default true. */
    public Builder migrateOnStart(boolean migrateOnStart) {
      this.migrateOnStart = migrateOnStart;
      return this;
    }

    /**
     * Validates the configuration.
     *
     * @throws IllegalArgumentException naming the property that is missing or wrong
     */
    public Sagas build() {
      Objects.requireNonNull(dataSource, "sagas: dataSource is required");
      Objects.requireNonNull(outbox, "sagas: outbox is required");
      SqlIdentifier.requireSchema("processedKeysSchema", schema);
      SqlIdentifier.require(
          "processedKeysTable", processedKeysTable, ProcessedKeySettings.MAX_TABLE_LENGTH);
      if (definitions.isEmpty()) {
        throw new IllegalArgumentException("sagas: add at least one saga definition");
      }
      if (definitions.stream().map(SagaDefinition::type).distinct().count() < definitions.size()) {
        throw new IllegalArgumentException("sagas: two saga definitions have the same type");
      }
      Objects.requireNonNull(errorClassifier, "sagas: errorClassifier must not be null");
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("sagas: maxAttempts must be at least 1");
      }
      if (initialBackoff == null
          || maxBackoff == null
          || initialBackoff.isNegative()
          || initialBackoff.isZero()
          || maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException(
            "sagas: backoff must be positive with max >= initial, got "
                + initialBackoff
                + " / "
                + maxBackoff);
      }
      if (pollInterval == null || pollInterval.toMillis() < 10) {
        throw new IllegalArgumentException("sagas: pollInterval must be at least 10 ms");
      }
      if (stuckAfter == null || stuckAfter.toMillis() < 1000) {
        throw new IllegalArgumentException("sagas: stuckAfter must be at least 1 s");
      }
      Objects.requireNonNull(meterRegistry, "sagas: meterRegistry must not be null");
      return new JdbcSagas(
          new SagasSettings(
              dataSource,
              outbox,
              schema,
              processedKeysTable,
              List.copyOf(definitions),
              errorClassifier,
              maxAttempts,
              initialBackoff,
              maxBackoff,
              pollInterval,
              stuckAfter,
              meterRegistry,
              migrateOnStart));
    }
  }
}
