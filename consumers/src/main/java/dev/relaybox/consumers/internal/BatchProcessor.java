package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.DeadLetterHeaders;
import dev.relaybox.consumers.ErrorClassifier;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one poll batch: decode, (two-phase) call outside any transaction, then one transaction
 * for the processed keys and the effects. Not thread-safe; used by the poll thread only.
 */
final class BatchProcessor {

  private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);
  private static final TimeUnit NANOS = TimeUnit.NANOSECONDS;

  private final RunnerSettings settings;
  private final ProcessedKeys keys;
  private final RunnerMetrics metrics;
  private final ExecutorService callExecutor;

  /**
   * @param callExecutor runs the two-phase calls of different partitions in parallel; null to call
   *     on the poll thread
   */
  BatchProcessor(
      RunnerSettings settings,
      ProcessedKeys keys,
      RunnerMetrics metrics,
      ExecutorService callExecutor) {
    this.settings = settings;
    this.keys = keys;
    this.metrics = metrics;
    this.callExecutor = callExecutor;
  }

  /** Where a partition stands after a batch. */
  record Retry(ConsumerRecord<byte[], byte[]> record, Throwable error, int attempt) {}

  /**
   * The result of a committed batch.
   *
   * @param commitOffsets per partition, the next offset to consume (everything before is done)
   * @param retries per partition, the record to retry in place (its partition is rewound to it)
   * @param deadLetters records to copy to the dead-letter topic before the offsets are committed
   * @param applied records whose effect was committed
   * @param duplicates records skipped because their key was processed before
   */
  record Outcome(
      Map<TopicPartition, Long> commitOffsets,
      Map<TopicPartition, Retry> retries,
      List<DeadLetter> deadLetters,
      List<ConsumedEvent> applied,
      List<ConsumedEvent> duplicates) {}

  /** The retry history of the record a partition was rewound to. */
  record RetryState(long offset, int failedAttempts, Instant firstFailure) {}

  /**
   * Processes the batch.
   *
   * @param retryStates the partitions currently retrying a record in place
   * @throws SQLException if the database failed outside a single event (connection, commit): the
   *     caller rewinds the whole batch
   * @throws TransientBatchException if a record could not be decoded for a transient reason
   */
  Outcome process(
      ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, RetryState> retryStates)
      throws SQLException {
    List<Lane> lanes = new ArrayList<>();
    for (TopicPartition tp : records.partitions()) {
      Lane lane = new Lane(tp, retryStates.get(tp));
      for (ConsumerRecord<byte[], byte[]> rec : records.records(tp)) {
        lane.items.add(decode(rec, lane.attemptOf(rec.offset())));
      }
      lanes.add(lane);
    }
    if (settings.twoPhaseHandler() != null) {
      callPhase(lanes);
    }
    if (lanes.stream().anyMatch(l -> l.pending().findAny().isPresent())) {
      transaction(lanes);
    }
    return outcome(lanes);
  }

  private Item decode(ConsumerRecord<byte[], byte[]> rec, int attempt) {
    Item item = new Item(rec);
    try {
      Header id = rec.headers().lastHeader(ConsumedEvent.ID_HEADER);
      if (id == null || id.value() == null) {
        throw new IllegalArgumentException(
            "record has no '"
                + ConsumedEvent.ID_HEADER
                + "' header: every event needs its event id (a UUID) in that header");
      }
      UUID eventId = UUID.fromString(new String(id.value(), StandardCharsets.UTF_8));
      String key = rec.key() == null ? null : new String(rec.key(), StandardCharsets.UTF_8);
      Object value = settings.deserializer().deserialize(rec.topic(), rec.headers(), rec.value());
      item.event =
          new ConsumedEvent(
              eventId,
              key,
              value,
              rec.topic(),
              rec.partition(),
              rec.offset(),
              rec.timestamp(),
              rec.headers(),
              attempt);
    } catch (RuntimeException e) {
      if (settings.errorClassifier().classify(e) == ErrorClassifier.Kind.TRANSIENT) {
        // The registry is unreachable: every record would fail alike, so rewind the batch.
        throw new TransientBatchException("cannot decode " + describe(rec), e);
      }
      // A poison record never blocks its partition: no retry can make these bytes decodable.
      item.dead(DeadLetterHeaders.REASON_UNDECODABLE, e, attempt);
    }
    return item;
  }

  /** Third-party calls, outside any transaction, skipping events already processed. */
  private void callPhase(List<Lane> lanes) throws SQLException {
    @SuppressWarnings("unchecked")
    TwoPhaseEventHandler<Object> handler =
        (TwoPhaseEventHandler<Object>) settings.twoPhaseHandler();
    if (settings.deduplicate()) {
      List<UUID> ids = lanes.stream().flatMap(Lane::pending).map(i -> i.event.eventId()).toList();
      if (!ids.isEmpty()) {
        Set<UUID> known = keys.existing(settings.dataSource(), ids);
        lanes.stream()
            .flatMap(Lane::pending)
            .filter(i -> known.contains(i.event.eventId()))
            .forEach(i -> i.status = Status.DUPLICATE);
      }
    }
    if (callExecutor == null || lanes.size() == 1) {
      lanes.forEach(lane -> callLane(handler, lane));
      return;
    }
    // One task per partition: events of a partition are called in order, partitions in parallel.
    List<Callable<Void>> tasks = new ArrayList<>();
    for (Lane lane : lanes) {
      tasks.add(
          () -> {
            callLane(handler, lane);
            return null;
          });
    }
    try {
      for (Future<Void> done : callExecutor.invokeAll(tasks)) {
        done.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientBatchException("interrupted while calling the handler", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("handler call failed unexpectedly", e.getCause());
    }
  }

  private void callLane(TwoPhaseEventHandler<Object> handler, Lane lane) {
    for (int i = 0; i < lane.limit(); i++) {
      Item item = lane.items.get(i);
      if (item.status != Status.PENDING) {
        continue;
      }
      long start = System.nanoTime();
      try {
        item.result = handler.call(item.event);
      } catch (Exception e) {
        fail(lane, i, e);
      } finally {
        metrics.handlerLatency(item.event.topic()).record(System.nanoTime() - start, NANOS);
      }
    }
  }

  private void transaction(List<Lane> lanes) throws SQLException {
    try (Connection tx = settings.dataSource().getConnection()) {
      tx.setAutoCommit(false);
      try {
        try {
          optimistic(tx, lanes);
        } catch (EventFailedException e) {
          // The cheap path failed: undo it, settle the failed event with the error it already
          // raised (no second invocation), and replay the rest with a savepoint per event so that
          // a further failure is rolled back alone.
          tx.rollback();
          lanes.stream().flatMap(l -> l.items.stream()).forEach(Item::resetDatabaseStatus);
          fail(e.lane, e.index, (Exception) e.getCause());
          log.debug("batch replayed with savepoints after failure of {}", e.getMessage());
          withSavepoints(tx, lanes);
        }
        tx.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(tx, e);
        throw e;
      }
    }
  }

  /** All keys in one statement, every event without a savepoint. */
  private void optimistic(Connection tx, List<Lane> lanes)
      throws SQLException, EventFailedException {
    List<UUID> ids = lanes.stream().flatMap(Lane::pending).map(i -> i.event.eventId()).toList();
    Set<UUID> fresh = settings.deduplicate() ? keys.insertAll(tx, ids) : null;
    for (Lane lane : lanes) {
      for (int i = 0; i < lane.limit(); i++) {
        Item item = lane.items.get(i);
        if (item.status != Status.PENDING) {
          continue;
        }
        if (fresh != null && !fresh.remove(item.event.eventId())) {
          item.status = Status.DUPLICATE_IN_TX;
          continue;
        }
        try {
          apply(item, tx);
        } catch (Exception e) {
          throw new EventFailedException(lane, i, e);
        }
        item.status = Status.APPLIED;
      }
    }
  }

  private void withSavepoints(Connection tx, List<Lane> lanes) throws SQLException {
    for (Lane lane : lanes) {
      for (int i = 0; i < lane.limit(); i++) {
        Item item = lane.items.get(i);
        if (item.status != Status.PENDING) {
          continue;
        }
        Savepoint savepoint = tx.setSavepoint();
        try {
          if (settings.deduplicate() && !keys.insertOne(tx, item.event.eventId())) {
            item.status = Status.DUPLICATE_IN_TX;
          } else {
            apply(item, tx);
            item.status = Status.APPLIED;
          }
          tx.releaseSavepoint(savepoint);
        } catch (Exception e) {
          // If this throws, the connection is gone: the caller rewinds the batch.
          tx.rollback(savepoint);
          fail(lane, i, e);
        }
      }
    }
  }

  private void apply(Item item, Connection tx) throws Exception {
    long start = System.nanoTime();
    try {
      if (settings.eventHandler() != null) {
        settings.eventHandler().handle(item.event, tx);
      } else {
        @SuppressWarnings("unchecked")
        TwoPhaseEventHandler<Object> handler =
            (TwoPhaseEventHandler<Object>) settings.twoPhaseHandler();
        handler.record(item.event, item.result, tx);
      }
    } finally {
      metrics.handlerLatency(item.event.topic()).record(System.nanoTime() - start, NANOS);
    }
  }

  /** Retry in place (stop the partition here) or give up on this one event. */
  private void fail(Lane lane, int index, Exception error) {
    Item item = lane.items.get(index);
    int attempt = item.event.attempt();
    ErrorClassifier.Kind kind = settings.errorClassifier().classify(error);
    if (kind == ErrorClassifier.Kind.TRANSIENT && attempt < settings.maxAttempts()) {
      lane.stopIndex = index;
      lane.retry = new Retry(item.record, error, attempt);
      return;
    }
    String reason =
        kind == ErrorClassifier.Kind.PERMANENT
            ? DeadLetterHeaders.REASON_PERMANENT
            : DeadLetterHeaders.REASON_RETRIES_EXHAUSTED;
    item.dead(reason, error, attempt);
  }

  private Outcome outcome(List<Lane> lanes) {
    Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
    Map<TopicPartition, Retry> retries = new LinkedHashMap<>();
    List<DeadLetter> deadLetters = new ArrayList<>();
    List<ConsumedEvent> applied = new ArrayList<>();
    List<ConsumedEvent> duplicates = new ArrayList<>();
    Instant now = Instant.now();
    for (Lane lane : lanes) {
      for (int i = 0; i < lane.limit(); i++) {
        Item item = lane.items.get(i);
        switch (item.status) {
          case APPLIED -> applied.add(item.event);
          case DUPLICATE, DUPLICATE_IN_TX -> duplicates.add(item.event);
          case DEAD ->
              deadLetters.add(
                  new DeadLetter(
                      item.record,
                      item.deadReason,
                      item.error,
                      item.attempt,
                      lane.firstFailure(item.record.offset(), now),
                      now));
          case PENDING -> throw new IllegalStateException("unprocessed " + item.record);
        }
      }
      if (lane.retry != null) {
        retries.put(lane.tp, lane.retry);
        offsets.put(lane.tp, lane.retry.record().offset());
      } else {
        offsets.put(lane.tp, lane.items.get(lane.items.size() - 1).record.offset() + 1);
      }
    }
    return new Outcome(offsets, retries, deadLetters, applied, duplicates);
  }

  private static void rollbackQuietly(Connection tx, Exception cause) {
    try {
      tx.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private enum Status {
    PENDING,
    /** Found in the processed-keys table before the transaction (two-phase pre-check). */
    DUPLICATE,
    /** Found by the insert inside the transaction; undone if the transaction is replayed. */
    DUPLICATE_IN_TX,
    APPLIED,
    DEAD
  }

  private static final class Item {
    final ConsumerRecord<byte[], byte[]> record;
    ConsumedEvent event;
    Object result;
    Status status = Status.PENDING;
    String deadReason;
    Throwable error;
    int attempt;

    Item(ConsumerRecord<byte[], byte[]> record) {
      this.record = record;
    }

    void dead(String reason, Throwable error, int attempt) {
      this.status = Status.DEAD;
      this.deadReason = reason;
      this.error = error;
      this.attempt = attempt;
    }

    void resetDatabaseStatus() {
      if (status == Status.APPLIED || status == Status.DUPLICATE_IN_TX) {
        status = Status.PENDING;
      }
    }
  }

  /** One partition's records of the batch, in offset order. */
  private static final class Lane {
    final TopicPartition tp;
    final RetryState retryState;
    final List<Item> items = new ArrayList<>();

    /** Items from here on are left for a later poll (the partition is rewound to this one). */
    int stopIndex = Integer.MAX_VALUE;

    Retry retry;

    Lane(TopicPartition tp, RetryState retryState) {
      this.tp = tp;
      this.retryState = retryState;
    }

    int limit() {
      return Math.min(stopIndex, items.size());
    }

    int attemptOf(long offset) {
      return retryState != null && retryState.offset() == offset
          ? retryState.failedAttempts() + 1
          : 1;
    }

    Instant firstFailure(long offset, Instant now) {
      return retryState != null && retryState.offset() == offset ? retryState.firstFailure() : now;
    }

    Stream<Item> pending() {
      return items.subList(0, limit()).stream().filter(i -> i.status == Status.PENDING);
    }
  }

  private static String describe(ConsumerRecord<?, ?> rec) {
    return "topic=" + rec.topic() + " partition=" + rec.partition() + " offset=" + rec.offset();
  }

  /** Decoding failed for a reason that will pass (registry down): redo the batch later. */
  static final class TransientBatchException extends RuntimeException {
    TransientBatchException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A handler failed on the cheap path: which event, and why. */
  private static final class EventFailedException extends Exception {
    final transient Lane lane;
    final int index;

    EventFailedException(Lane lane, int index, Exception cause) {
      super(lane.items.get(index).event.toString(), cause, false, false);
      this.lane = lane;
      this.index = index;
    }
  }
}
