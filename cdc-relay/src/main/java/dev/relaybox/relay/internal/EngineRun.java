package dev.relaybox.relay.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.config.ServiceMeters;
import dev.relaybox.relay.RelayConfig;
import dev.relaybox.relay.RelayException;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine run with its own producer. {@link #prepare} does the blocking part: exactly-once, it
 * initialises the transactional producer (which fences a previous instance and completes or aborts
 * its open transaction), reads the committed position from the offsets topic and checks the slot
 * against it. {@link #start} then runs the Debezium engine on its own thread.
 */
final class EngineRun {
  private static final Logger LOG = LoggerFactory.getLogger(EngineRun.class);

  /** What the supervisor hears from a run. */
  interface Listener {
    void streaming(EngineRun run);

    void notStreaming(EngineRun run);

    void ended(EngineRun run, boolean success, String message, Throwable error);
  }

  final int number;
  private final RelayConfig config;
  private final Map<String, String> engineProperties;
  private final Listener listener;
  private final CountDownLatch ended = new CountDownLatch(1);
  private KafkaProducer<byte[], byte[]> producer;
  private ServiceMeters.Binding producerMeters;
  private DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> consumer;

  /** This run's name in the engine properties, for the components Debezium instantiates. */
  private final String id = UUID.randomUUID().toString();

  private String handle;
  private volatile long confirmedAtStart = -1;
  private volatile long batchStartNanos;
  private ReshardGate gate;
  private Position discarded;
  private Instant discardedAt;
  private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;

  private EngineRun(
      int number, RelayConfig config, Map<String, String> engineProperties, Listener listener) {
    this.number = number;
    this.config = config;
    this.engineProperties = engineProperties;
    this.listener = listener;
  }

  /**
   * A run ready to start on {@code producer} (closed if preparing fails): exactly-once also fenced,
   * position read from {@code tail}, slot checked.
   *
   * @throws dev.relaybox.relay.RelayException if the slot cannot serve the committed position
   * @throws Exception for transient failures (Kafka or Postgres unreachable): retry later
   */
  static EngineRun prepare(
      int number,
      RelayConfig config,
      Map<String, String> engineProperties,
      RelayMetrics metrics,
      RelayProgress progress,
      Listener listener,
      KafkaProducer<byte[], byte[]> producer,
      OffsetsTail tail)
      throws Exception {
    EngineRun run = new EngineRun(number, config, engineProperties, listener);
    try {
      run.producer = producer;
      run.producerMeters = ServiceMeters.bindKafka(run.producer, metrics.registry);
      ChangeRecords changes = new ChangeRecords(EngineProperties.outboxTopic(config));
      OutboxRouter router =
          new OutboxRouter(
              config.get(CommonSettings.TOPIC_PATTERN), config.get(RelaySettings.DLQ_TOPIC));
      if (config.exactlyOnce()) {
        run.prepareTransactions(changes, router, metrics, progress, tail);
      } else {
        run.consumer = new OutboxChangeConsumer(changes, router, run.producer, metrics, progress);
      }
      return run;
    } catch (Exception | Error e) {
      run.closeProducer();
      throw e;
    }
  }

  private void prepareTransactions(
      ChangeRecords changes,
      OutboxRouter router,
      RelayMetrics metrics,
      RelayProgress progress,
      OffsetsTail tail)
      throws Exception {
    // The order is what makes the position final. initTransactions() fences first: it bumps the
    // transactional.id's epoch, so the previous instance (a killed, paused or still running old
    // active) can no longer commit, and its open transaction is aborted or completed before the
    // call returns. Only then is the offsets topic read to its end: no transaction of the old
    // instance can commit after that read, so no batch published after the position read here
    // can be published again. Read before the fence, the old active could commit one more batch
    // after the read, and this run would publish it a second time. A standby's pre-read (the
    // tail) is a prefix; the catch-up below reads the rest after the fence.
    long t0 = System.nanoTime();
    try {
      producer.initTransactions();
    } catch (TimeoutException e) {
      throw new TimeoutException(
          "Kafka did not initialise the relay's transactions (transactional.id "
              + config.transactionalId()
              + ") in time: is it reachable, and does it support transactions"
              + " (transaction.state.log.replication.factor and .min.isr no larger than the"
              + " number of brokers)?",
          e);
    }
    long t1 = System.nanoTime();
    Position committed = tail.catchUp(catchUpTimeout(config)).orElse(null);
    OffsetCodec codec = new OffsetCodec(config.name());
    long t2 = System.nanoTime();
    SlotPreflight.Outcome outcome = SlotPreflight.check(config, committed);
    long t3 = System.nanoTime();
    if (outcome.discarded() != null) {
      // Durably forget the position: it belongs to the lost slot's stream.
      producer.beginTransaction();
      producer.send(
          new ProducerRecord<>(config.get(RelaySettings.OFFSETS_TOPIC), codec.key(), null));
      producer.commitTransaction();
      discarded = outcome.discarded();
      discardedAt = Instant.now();
    }
    confirmedAtStart = outcome.confirmedAtStart();
    if (outcome.committed() != null) {
      progress.committed(outcome.committed());
    }
    LOG.info(
        "exactly-once run={} transactionalId={} initTransactionsMs={} readPositionMs={}"
            + " slotCheckMs={} resumeFrom={}",
        number,
        config.transactionalId(),
        TimeUnit.NANOSECONDS.toMillis(t1 - t0),
        TimeUnit.NANOSECONDS.toMillis(t2 - t1),
        TimeUnit.NANOSECONDS.toMillis(t3 - t2),
        outcome.committed() == null ? "new slot" : outcome.committed());
    gate = new ReshardGate(config, pendingBarrier(outcome));
    TransactionalChangeConsumer eos =
        new TransactionalChangeConsumer(
            changes,
            router,
            producer,
            codec,
            config.get(RelaySettings.OFFSETS_TOPIC),
            outcome.committed(),
            metrics,
            progress,
            EosHooks.fromSystemProperty(),
            gate);
    handle = id;
    EosOffsetStore.register(handle, eos);
    consumer = eos;
  }

  /**
   * The reshard barrier a new shard (no position, not starting over) waits for, or null; it drops
   * every row before it.
   */
  private ReshardBarrier pendingBarrier(SlotPreflight.Outcome outcome) throws SQLException {
    if (outcome.committed() != null || outcome.discarded() != null) {
      return null;
    }
    try (Connection c = Preflight.connect(config)) {
      ReshardBarrier pending = ReshardBarrier.pending(c, config);
      if (pending != null) {
        LOG.info(
            "new shard of a reshard: dropping rows until barrier {} ({})",
            pending,
            Shard.of(config));
      }
      return pending;
    }
  }

  /** How long reading the offsets topic to its end may wait for a transaction still open. */
  static Duration catchUpTimeout(RelayConfig config) {
    return config.get(RelaySettings.TRANSACTION_TIMEOUT).plusSeconds(30);
  }

  /**
   * What ended a run for good ({@code error} or one of its causes), or null: fenced by another
   * instance, or retired at a reshard barrier.
   */
  static RelayException terminal(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof TransactionalChangeConsumer.FencedException
          || t instanceof ReshardGate.RetiredException) {
        return (RelayException) t;
      }
    }
    return null;
  }

  /** The slot's confirmed LSN once this run checked it; -1 unknown. */
  long confirmedAtStart() {
    return confirmedAtStart;
  }

  /**
   * When this run started over from a new slot, a repair of the gap after the discarded position
   * (with {@code reconcile.after.slot.loss}); else null.
   */
  GapRepair gapRepair(RelayProgress progress) {
    if (discarded == null || !config.get(RelaySettings.RECONCILE_AFTER_SLOT_LOSS)) {
      return null;
    }
    if (discarded.lastCommitTime() == null) {
      LOG.error(
          "cannot reconcile the gap after the lost slot automatically: its last relayed commit"
              + " time is unknown; run `relaybox outbox reconcile` from the time the slot was lost");
      return null;
    }
    return new GapRepair(config, progress, discarded.lastCommitTime(), discardedAt);
  }

  /** Runs the engine on its own thread. */
  void start() {
    Properties props = new Properties();
    props.putAll(engineProperties);
    props.put(IdleWaitQueue.KEY, id);
    if (handle != null) {
      props.put(EosOffsetStore.HANDLE, handle);
    }
    engine =
        DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
            .using(props)
            .using(
                new DebeziumEngine.ConnectorCallback() {
                  @Override
                  public void pollingStarted() {
                    listener.streaming(EngineRun.this);
                    LOG.info("engine streaming run={} slot={}", number, config.slotName());
                  }

                  @Override
                  public void pollingStopped() {
                    listener.notStreaming(EngineRun.this);
                  }
                })
            .using(
                (success, message, error) -> {
                  try {
                    closeProducer();
                    listener.ended(this, success, message, error);
                  } finally {
                    ended.countDown();
                  }
                })
            .notifying(timed(consumer))
            .build();
    new Thread(engine, "relaybox-relay-engine-" + number).start();
  }

  /** Whether the engine of this run has stopped (or never started). */
  boolean hasEnded() {
    return engine == null || ended.getCount() == 0;
  }

  /**
   * How long the batch being published has taken so far, in ms; 0 between batches. A batch that
   * takes long means Kafka does not take the events (the relay is not ready then).
   */
  long batchRunningMs() {
    long started = batchStartNanos;
    return started == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
  }

  /** Why this run does not stream although its engine polls: one batch waits for Kafka. */
  Optional<String> stallReason() {
    if (gate != null && gate.holdReason().isPresent()) {
      return gate.holdReason();
    }
    long batchMs = batchRunningMs();
    long limitMs = config.get(RelaySettings.READY_STALL).toMillis();
    if (batchMs <= limitMs) {
      return Optional.empty();
    }
    return Optional.of(
        "stalled: publishing one batch has taken "
            + batchMs
            + " ms (ready.stall.ms "
            + limitMs
            + "); is Kafka at "
            + config.get(CommonSettings.KAFKA_BOOTSTRAP_SERVERS)
            + " reachable?");
  }

  private DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> timed(
      DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> delegate) {
    return new DebeziumEngine.ChangeConsumer<>() {
      @Override
      public void handleBatch(
          List<RecordChangeEvent<SourceRecord>> records,
          DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
          throws InterruptedException {
        batchStartNanos = System.nanoTime();
        try {
          delegate.handleBatch(records, committer);
        } finally {
          batchStartNanos = 0;
        }
      }

      @Override
      public boolean supportsTombstoneEvents() {
        return delegate.supportsTombstoneEvents();
      }
    };
  }

  /** Stops the engine gracefully (it confirms what was relayed) and waits; then the producer. */
  void stop() {
    if (engine == null) {
      closeProducer();
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (ended.getCount() > 0 && System.nanoTime() < deadline) {
      try {
        engine.close();
        break;
      } catch (IllegalStateException e) {
        // Debezium refuses to stop while tasks are starting; try again shortly.
        awaitEnd(100);
      } catch (Exception e) {
        LOG.warn("engine close failed run={} error={}", number, String.valueOf(e));
        break;
      }
    }
    awaitEnd(TimeUnit.SECONDS.toMillis(60));
    closeProducer();
  }

  private void awaitEnd(long millis) {
    try {
      ended.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  synchronized void closeProducer() {
    if (handle != null) {
      EosOffsetStore.unregister(handle);
    }
    if (producerMeters != null) {
      producerMeters.close();
      producerMeters = null;
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
      producer = null;
    }
  }
}
