package dev.relaybox.relay.internal;

import dev.relaybox.relay.RelayException;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's batch handler in exactly-once mode. Each batch is one Kafka transaction holding the
 * batch's routed records and the relay's new {@link Position} on its offsets topic; only after the
 * commit are the records marked processed, so Debezium confirms the slot only up to what Kafka has
 * committed. Changes relayed before (Debezium delivers the current transaction again after a
 * restart) are dropped by the {@link StreamCursor}. A failed transaction is aborted and the batch
 * is re-read after the engine restarts; a record too large for Kafka goes to the dead-letter topic
 * in a second attempt. Called by the engine's single polling thread.
 */
final class TransactionalChangeConsumer
    implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionalChangeConsumer.class);
  private final PublishSpans spans = new PublishSpans();

  private final ChangeRecords changes;
  private final OutboxRouter router;
  private final Producer<byte[], byte[]> producer;
  private final OffsetCodec codec;
  private final String offsetsTopic;
  private final RelayMetrics metrics;
  private final RelayProgress progress;
  private final EosHooks hooks;
  private final StreamCursor cursor;
  private final ReshardGate gate;
  private final AtomicBoolean taskStarted = new AtomicBoolean();
  private volatile Position committed;
  private volatile byte[] committedOffset;

  TransactionalChangeConsumer(
      ChangeRecords changes,
      OutboxRouter router,
      Producer<byte[], byte[]> producer,
      OffsetCodec codec,
      String offsetsTopic,
      Position committed,
      RelayMetrics metrics,
      RelayProgress progress,
      EosHooks hooks,
      ReshardGate gate) {
    this.changes = changes;
    this.router = router;
    this.producer = producer;
    this.codec = codec;
    this.offsetsTopic = offsetsTopic;
    this.metrics = metrics;
    this.progress = progress;
    this.hooks = hooks;
    this.gate = gate;
    this.cursor = new StreamCursor(committed);
    this.committed = committed;
    this.committedOffset = committed == null ? null : codec.encode(committed);
  }

  OffsetCodec codec() {
    return codec;
  }

  /** The committed offset as the offsets topic holds it; null before the first commit. */
  byte[] committedOffset() {
    return committedOffset;
  }

  /**
   * Debezium read the stored offset. Its Postgres task does so when it (re)starts, and then
   * delivers the current transaction again; and in {@code performCommit}, after every offset flush,
   * to confirm the slot up to it. Any read but the latter is a (re)start.
   */
  void offsetRead() {
    boolean confirming =
        StackWalker.getInstance()
            .walk(frames -> frames.anyMatch(f -> f.getMethodName().equals("performCommit")));
    if (!confirming) {
      taskStarted.set(true);
    }
  }

  @Override
  public boolean supportsTombstoneEvents() {
    return false;
  }

  @Override
  public void handleBatch(
      List<RecordChangeEvent<SourceRecord>> records,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
      throws InterruptedException {
    if (taskStarted.getAndSet(false)) {
      cursor.restartDelivery();
    }
    long start = System.nanoTime();
    Position before = committed;
    List<OutboxRouter.Routed> routed = new ArrayList<>(records.size());
    boolean anyChange = false;
    long skipped = 0;
    Struct retiredAt = null;
    for (RecordChangeEvent<SourceRecord> event : records) {
      SourceRecord record = event.record();
      if (!changes.isOutboxChange(record)) {
        cursor.other(record.sourceOffset(), ChangeRecords.heartbeatMillis(record));
        continue;
      }
      anyChange = true;
      Struct row = changes.insertedRow(record);
      ReshardGate.Action action = row == null ? ReshardGate.Action.SKIP : gate.action(row);
      if (action == ReshardGate.Action.RETIRE) {
        // Everything before the barrier is committed with this batch; the barrier never is, so
        // a restart reads it again and retires again.
        retiredAt = row;
        break;
      }
      OutboxRouter.Routed r = action == ReshardGate.Action.RELAY ? router.route(row, record) : null;
      if (cursor.change(record.sourceOffset(), r == null ? null : r.eventId())
          == StreamCursor.Verdict.SKIP) {
        skipped++;
      } else if (r != null) {
        spans.start(r);
        routed.add(r);
      }
    }
    if (anyChange) {
      hooks.at("before-batch", () -> {});
    }
    Position after = cursor.position();
    // A new shard commits nothing before its barrier: without a position it drops them again.
    if (!gate.beforeBarrier() && (!routed.isEmpty() || !Objects.equals(after, before))) {
      try {
        commit(routed, after);
        spans.committed();
      } catch (RuntimeException | InterruptedException e) {
        spans.failed(e);
        cursor.reset(before);
        throw e;
      }
      committed = after;
      committedOffset = codec.encode(after);
      progress.committed(after);
      if (!routed.isEmpty()) {
        hooks.at("after-commit", () -> {});
      }
    }
    if (skipped > 0) {
      metrics.replaysSkipped.increment(skipped);
      LOG.info("skipped outbox changes relayed before count={} position={}", skipped, before);
    }
    for (RecordChangeEvent<SourceRecord> event : records) {
      committer.markProcessed(event);
    }
    committer.markBatchFinished();
    if (!routed.isEmpty()) {
      metrics.batchLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
    if (retiredAt != null) {
      throw gate.retire(retiredAt);
    }
  }

  /** One transaction: every record and the position, or nothing. */
  private void commit(List<OutboxRouter.Routed> routed, Position after)
      throws InterruptedException {
    List<OutboxRouter.Routed> attempt = routed;
    for (int round = 1; ; round++) {
      List<Future<RecordMetadata>> acks = new ArrayList<>(attempt.size());
      try {
        producer.beginTransaction();
        for (OutboxRouter.Routed r : attempt) {
          acks.add(producer.send(r.record()));
        }
        producer.send(new ProducerRecord<>(offsetsTopic, codec.key(), codec.encode(after)));
        if (!attempt.isEmpty()) {
          hooks.at("in-tx", producer::flush);
        }
        producer.commitTransaction();
      } catch (ProducerFencedException e) {
        metrics.sendFailures.increment();
        throw new FencedException(e);
      } catch (KafkaException e) {
        List<OutboxRouter.Routed> tooLarge = tooLarge(attempt, acks);
        abort(e);
        if (round == 1 && !tooLarge.isEmpty()) {
          attempt = withDeadLetters(attempt, tooLarge);
          continue;
        }
        throw sendFailed(attempt, acks, e);
      }
      metrics.transactionsCommitted.increment();
      count(attempt);
      return;
    }
  }

  private void abort(KafkaException cause) {
    metrics.transactionsAborted.increment();
    try {
      producer.abortTransaction();
    } catch (RuntimeException e) {
      // e.g. the commit timed out (Kafka down): the run restarts with a new producer, whose
      // initTransactions completes or aborts this transaction before the position is read.
      LOG.warn("abort failed after {}: {}", cause, e.toString());
    }
  }

  /** The routed records Kafka refused as too large (their futures failed with that error). */
  private static List<OutboxRouter.Routed> tooLarge(
      List<OutboxRouter.Routed> attempt, List<Future<RecordMetadata>> acks)
      throws InterruptedException {
    List<OutboxRouter.Routed> result = new ArrayList<>();
    for (int i = 0; i < acks.size(); i++) {
      OutboxRouter.Routed r = attempt.get(i);
      if (r.reason() == null && failure(acks.get(i)) instanceof RecordTooLargeException) {
        result.add(r);
      }
    }
    return result;
  }

  private List<OutboxRouter.Routed> withDeadLetters(
      List<OutboxRouter.Routed> attempt, List<OutboxRouter.Routed> tooLarge) {
    List<OutboxRouter.Routed> next = new ArrayList<>(attempt.size());
    for (OutboxRouter.Routed r : attempt) {
      next.add(
          tooLarge.contains(r) ? router.tooLarge(r, "Kafka refused the record as too large") : r);
    }
    return next;
  }

  private static Throwable failure(Future<RecordMetadata> ack) throws InterruptedException {
    if (!ack.isDone()) {
      return null;
    }
    try {
      ack.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  private void count(List<OutboxRouter.Routed> sent) {
    long published = 0;
    for (OutboxRouter.Routed r : sent) {
      if (r.reason() == null) {
        published++;
      } else {
        metrics.deadLettered.increment();
        try (RelayLog context = RelayLog.event(r)) {
          LOG.warn(
              "dead-lettered outbox event eventId={} reason={} topic={} dlqTopic={}",
              r.eventId(),
              r.reason(),
              r.topic(),
              r.record().topic());
        }
      }
    }
    metrics.published.increment(published);
  }

  private RelayException sendFailed(
      List<OutboxRouter.Routed> attempt, List<Future<RecordMetadata>> acks, KafkaException cause)
      throws InterruptedException {
    metrics.sendFailures.increment();
    OutboxRouter.Routed first = null;
    for (int i = 0; i < acks.size() && first == null; i++) {
      if (failure(acks.get(i)) != null) {
        first = attempt.get(i);
      }
    }
    String which =
        first == null
            ? attempt.size() + " event(s)"
            : "event " + first.eventId() + " on topic " + first.record().topic();
    try (RelayLog context = first == null ? null : RelayLog.event(first)) {
      LOG.error(
          "transaction aborted, batch not committed events={} firstFailed={} error={}",
          attempt.size(),
          first == null ? "-" : first.eventId(),
          String.valueOf(cause));
    }
    return new RelayException(
        "Kafka did not commit the transaction with "
            + which
            + "; it is aborted and the batch will be re-read after the engine restarts",
        cause);
  }

  /** Another producer with the same transactional id took over: this relay must stop. */
  static final class FencedException extends RelayException {
    private static final long serialVersionUID = 1L;

    FencedException(ProducerFencedException cause) {
      super(
          "Another relay instance with the same transactional id took over (producer fenced):"
              + " this one stops. Run one relay per relay.name, or give each its own"
              + " relay.name and slot.",
          cause);
    }
  }
}
