package dev.relaybox.relay.internal;

import dev.relaybox.relay.RelayException;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's batch handler: routes every outbox insert of a batch, sends all records, waits for
 * every acknowledgement and only then marks the batch processed. Any failed send (after the
 * producer's own retries up to {@code delivery.timeout.ms}) throws, so the engine stops without
 * committing the batch and the supervisor restarts it from the last committed offset: events are
 * re-read, never lost. Heartbeats and logical-decoding messages are marked processed so the slot
 * advances while the outbox is idle. Called by the engine's single polling thread.
 */
final class OutboxChangeConsumer
    implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxChangeConsumer.class);
  private final PublishSpans spans = new PublishSpans();

  private final ChangeRecords changes;
  private final OutboxRouter router;
  private final Producer<byte[], byte[]> producer;
  private final RelayMetrics metrics;
  private final RelayProgress progress;

  OutboxChangeConsumer(
      ChangeRecords changes,
      OutboxRouter router,
      Producer<byte[], byte[]> producer,
      RelayMetrics metrics,
      RelayProgress progress) {
    this.changes = changes;
    this.router = router;
    this.producer = producer;
    this.metrics = metrics;
    this.progress = progress;
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
    long start = System.nanoTime();
    List<OutboxRouter.Routed> routed = new ArrayList<>(records.size());
    List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
    SourceRecord last = null;
    for (RecordChangeEvent<SourceRecord> event : records) {
      if (!changes.isOutboxChange(event.record())) {
        continue;
      }
      Struct row = changes.insertedRow(event.record());
      // At-least-once relays take no part in a live reshard: they skip its barrier rows.
      if (row != null && ReshardBarrier.of(row) == null) {
        last = event.record();
        OutboxRouter.Routed r = router.route(row, last);
        spans.start(r);
        routed.add(r);
        acks.add(producer.send(r.record()));
      }
    }
    if (!routed.isEmpty()) {
      producer.flush();
      try {
        awaitAll(routed, acks);
      } catch (RuntimeException | InterruptedException e) {
        spans.failed(e);
        throw e;
      }
      spans.committed();
      progress.relayed(
          routed.get(routed.size() - 1).eventId(),
          Position.longValue(last.sourceOffset(), Position.TS_USEC));
    }
    for (RecordChangeEvent<SourceRecord> event : records) {
      committer.markProcessed(event);
    }
    committer.markBatchFinished();
    if (!routed.isEmpty()) {
      metrics.batchLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private void awaitAll(List<OutboxRouter.Routed> routed, List<Future<RecordMetadata>> acks)
      throws InterruptedException {
    List<OutboxRouter.Routed> retried = new ArrayList<>();
    List<Future<RecordMetadata>> retriedAcks = new ArrayList<>();
    long published = 0;
    for (int i = 0; i < acks.size(); i++) {
      OutboxRouter.Routed r = routed.get(i);
      try {
        acks.get(i).get();
        if (r.reason() == null) {
          published++;
        } else {
          deadLettered(r);
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RecordTooLargeException && r.reason() == null) {
          OutboxRouter.Routed dead = router.tooLarge(r, e.getCause().getMessage());
          retried.add(dead);
          retriedAcks.add(producer.send(dead.record()));
        } else {
          throw sendFailed(r, e.getCause());
        }
      }
    }
    metrics.published.increment(published);
    if (!retried.isEmpty()) {
      producer.flush();
      for (int i = 0; i < retried.size(); i++) {
        try {
          retriedAcks.get(i).get();
          deadLettered(retried.get(i));
        } catch (ExecutionException e) {
          throw sendFailed(retried.get(i), e.getCause());
        }
      }
    }
  }

  private void deadLettered(OutboxRouter.Routed r) {
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

  private RelayException sendFailed(OutboxRouter.Routed r, Throwable cause) {
    metrics.sendFailures.increment();
    try (RelayLog context = RelayLog.event(r)) {
      LOG.error(
          "send failed, batch not committed eventId={} topic={} error={}",
          r.eventId(),
          r.record().topic(),
          String.valueOf(cause));
    }
    return new RelayException(
        "Kafka did not acknowledge event "
            + r.eventId()
            + " on topic "
            + r.record().topic()
            + "; the batch is not committed and will be re-read after the engine restarts",
        cause);
  }
}
