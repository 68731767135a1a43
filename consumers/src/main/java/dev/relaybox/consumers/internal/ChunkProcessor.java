package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.DeadLetterHeaders;
import dev.relaybox.consumers.internal.EventDecoder.DecodeLater;
import dev.relaybox.consumers.internal.EventDecoder.Undecodable;
import dev.relaybox.consumers.internal.KeyScheduler.Chunk;
import dev.relaybox.consumers.internal.KeyScheduler.Fate;
import dev.relaybox.consumers.internal.KeyScheduler.Slice;
import dev.relaybox.consumers.internal.Lane.Pending;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Runs a chunk of live events: decode, call the third party (two-phase handlers, outside any
 * transaction), then one transaction that claims the processed keys and applies the effects. A
 * failed event stops its lane only: the failure goes to {@link FailureHandler} (park the key or
 * kill the event), the other lanes commit. The first pass runs without savepoints; after a failure
 * the transaction is rolled back and replayed with a savepoint per event, so a further failure
 * undoes only its own event.
 */
final class ChunkProcessor {

  private final RunnerSettings settings;
  private final ProcessedKeys keys;
  private final KeyScheduler scheduler;
  private final RunnerMetrics metrics;
  private final EventDecoder decoder;
  private final FailureHandler failures;
  private final Outage outage;
  private final EventTracing tracing;

  ChunkProcessor(
      RunnerSettings settings,
      ProcessedKeys keys,
      KeyScheduler scheduler,
      RunnerMetrics metrics,
      FailureHandler failures,
      Outage outage) {
    this.settings = settings;
    this.keys = keys;
    this.scheduler = scheduler;
    this.metrics = metrics;
    this.decoder = new EventDecoder(settings.handling());
    this.failures = failures;
    this.outage = outage;
    this.tracing = new EventTracing(settings.groupId());
  }

  private enum Status {
    PENDING,
    /** Found in the processed-keys table before the transaction (two-phase pre-check). */
    DUPLICATE,
    /** Found by the insert inside the transaction; undone if the transaction is replayed. */
    DUPLICATE_IN_TX,
    APPLIED
  }

  private final class Item {
    final ConsumerRecord<byte[], byte[]> record;
    final ConsumedEvent event;
    Object result;
    Status status = Status.PENDING;

    /** Started when the event first runs (call or transaction), ended with the chunk. */
    Span span;

    Item(ConsumerRecord<byte[], byte[]> record, ConsumedEvent event) {
      this.record = record;
      this.event = event;
    }

    Span span() {
      if (span == null) {
        span = tracing.start(record, 1);
      }
      return span;
    }
  }

  /** One lane's events in this chunk: items[0, stop) are to be applied, items[stop] failed. */
  private static final class Run {
    final Slice slice;
    final List<Item> items = new ArrayList<>();
    int stop = Integer.MAX_VALUE;
    Throwable failure;
    boolean undecodable;

    Run(Slice slice) {
      this.slice = slice;
    }

    int limit() {
      return Math.min(stop, items.size());
    }

    void fail(int index, Throwable error, boolean undecodable) {
      stop = index;
      failure = error;
      this.undecodable = undecodable;
    }
  }

  /**
   * Runs the chunk; {@code connection}, if given (an {@code EventHandler}'s worker got it before
   * forming the chunk), serves its transaction and is closed before failures are handled.
   */
  void run(Chunk chunk, Connection connection) {
    long start = System.nanoTime();
    List<Run> runs = new ArrayList<>();
    long handlerNanos;
    try (Connection held = connection) {
      for (Slice slice : chunk.slices()) {
        runs.add(decode(slice));
      }
      handlerNanos = settings.handling().twoPhaseHandler() != null ? callPhase(runs) : 0;
      if (runs.stream().anyMatch(r -> pending(r).findAny().isPresent())) {
        handlerNanos += transaction(runs, held);
      }
    } catch (SQLException | DecodeLater | RuntimeException e) {
      // Nothing committed: every event goes back to its lane, to run after the backoff.
      outage.failed("batch of " + chunk.events() + " event(s)", e);
      runs.forEach(
          r ->
              r.items.stream()
                  .filter(i -> i.span != null)
                  .forEach(i -> EventTracing.fail(i.span, e)));
      for (Slice slice : chunk.slices()) {
        scheduler.finish(
            slice.lane(), slice.events().size(), slice.events(), Fate.LIVE, KeyScheduler.NO_DUE);
      }
      return;
    }
    outage.succeeded();
    int handled = 0;
    for (Run run : runs) {
      endSpans(run);
      List<Pending> done = run.slice.events().subList(0, run.limit());
      scheduler.settle(done);
      count(run);
      handled += done.size();
      if (run.failure == null) {
        scheduler.finish(
            run.slice.lane(), run.slice.events().size(), List.of(), Fate.LIVE, KeyScheduler.NO_DUE);
      } else {
        List<Pending> failedAndRest =
            run.slice.events().subList(run.limit(), run.slice.events().size());
        failures.failedLive(
            run.slice.lane(),
            run.slice.events().size(),
            failedAndRest,
            run.failure,
            run.undecodable ? DeadLetterHeaders.REASON_UNDECODABLE : null);
      }
    }
    if (handled > 0) {
      scheduler.handlerTook(handlerNanos / handled);
    }
    metrics.batchLatency().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  private Run decode(Slice slice) throws DecodeLater {
    Run run = new Run(slice);
    for (Pending p : slice.events()) {
      try {
        run.items.add(new Item(p.record(), decoder.decode(p.record(), 1)));
      } catch (Undecodable e) {
        run.fail(run.items.size(), e.reason(), true);
        break;
      }
    }
    return run;
  }

  private void count(Run run) {
    int applied = 0;
    int duplicates = 0;
    for (int i = 0; i < run.limit(); i++) {
      if (run.items.get(i).status == Status.APPLIED) {
        applied++;
      } else {
        duplicates++;
      }
    }
    String topic = run.slice.lane().tp().topic();
    if (applied > 0) {
      metrics.processed(topic, applied);
    }
    if (duplicates > 0) {
      metrics.duplicates(topic, duplicates);
    }
  }

  /** Third-party calls, outside any transaction, skipping events already processed. */
  private long callPhase(List<Run> runs) throws SQLException {
    if (settings.processedKeys().deduplicate()) {
      List<UUID> ids =
          runs.stream().flatMap(ChunkProcessor::pending).map(i -> i.event.eventId()).toList();
      if (!ids.isEmpty()) {
        Set<UUID> known = keys.existing(ids);
        runs.stream()
            .flatMap(ChunkProcessor::pending)
            .filter(i -> known.contains(i.event.eventId()))
            .forEach(i -> i.status = Status.DUPLICATE);
      }
    }
    long nanos = 0;
    for (Run run : runs) {
      for (int i = 0; i < run.limit(); i++) {
        Item item = run.items.get(i);
        if (item.status != Status.PENDING) {
          continue;
        }
        long start = System.nanoTime();
        Span call = tracing.child(item.span(), "call");
        try (Scope current = call.makeCurrent();
            EventLog.Scope log =
                EventLog.open(settings.groupId(), item.event, EventTracing.ids(item.span()))) {
          item.result = settings.handling().twoPhase().call(item.event);
        } catch (Exception e) {
          run.fail(i, e, false);
          call.recordException(e);
          call.setStatus(StatusCode.ERROR);
        } finally {
          call.end();
          long took = System.nanoTime() - start;
          nanos += took;
          metrics.handlerLatency(item.event.topic()).record(took, TimeUnit.NANOSECONDS);
        }
      }
    }
    return nanos;
  }

  /** Runs the transaction on {@code held} or a pooled connection; returns the handler's time. */
  private long transaction(List<Run> runs, Connection held) throws SQLException {
    long[] nanos = {0};
    try (Connection own = held == null ? settings.handling().dataSource().getConnection() : null) {
      Connection tx = held == null ? own : held;
      tx.setAutoCommit(false);
      try {
        try {
          optimistic(tx, runs, nanos);
        } catch (EventFailedException e) {
          // The cheap path failed: undo it, settle the failed event with the error it already
          // raised (no second invocation), and replay the rest with a savepoint per event.
          tx.rollback();
          runs.forEach(r -> r.items.forEach(ChunkProcessor::resetDatabaseStatus));
          e.run.fail(e.index, e.getCause(), false);
          withSavepoints(tx, runs, nanos);
        }
        tx.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(tx, e);
        throw e;
      }
    }
    return nanos[0];
  }

  private void optimistic(Connection tx, List<Run> runs, long[] nanos)
      throws SQLException, EventFailedException {
    Set<UUID> fresh = null;
    if (settings.processedKeys().deduplicate()) {
      fresh =
          keys.insertAll(
              tx,
              runs.stream().flatMap(ChunkProcessor::pending).map(i -> i.event.eventId()).toList());
    }
    for (Run run : runs) {
      for (int i = 0; i < run.limit(); i++) {
        Item item = run.items.get(i);
        if (item.status != Status.PENDING) {
          continue;
        }
        if (fresh != null && !fresh.remove(item.event.eventId())) {
          item.status = Status.DUPLICATE_IN_TX;
          continue;
        }
        try {
          apply(item, tx, nanos);
        } catch (Exception e) {
          throw new EventFailedException(run, i, e);
        }
        item.status = Status.APPLIED;
      }
    }
  }

  private void withSavepoints(Connection tx, List<Run> runs, long[] nanos) throws SQLException {
    for (Run run : runs) {
      for (int i = 0; i < run.limit(); i++) {
        Item item = run.items.get(i);
        if (item.status != Status.PENDING) {
          continue;
        }
        Savepoint savepoint = tx.setSavepoint();
        try {
          if (settings.processedKeys().deduplicate() && !keys.insertOne(tx, item.event.eventId())) {
            item.status = Status.DUPLICATE_IN_TX;
          } else {
            apply(item, tx, nanos);
            item.status = Status.APPLIED;
          }
          tx.releaseSavepoint(savepoint);
        } catch (Exception e) {
          // If this throws, the connection is gone: the caller undoes the whole chunk.
          tx.rollback(savepoint);
          run.fail(i, e, false);
        }
      }
    }
  }

  private void apply(Item item, Connection tx, long[] nanos) throws Exception {
    long start = System.nanoTime();
    Span transaction = tracing.child(item.span(), "transaction");
    try (Scope current = transaction.makeCurrent();
        EventLog.Scope log =
            EventLog.open(settings.groupId(), item.event, EventTracing.ids(item.span()))) {
      if (settings.handling().eventHandler() != null) {
        settings.handling().eventHandler().handle(item.event, tx);
      } else {
        settings.handling().twoPhase().record(item.event, item.result, tx);
      }
    } catch (Exception e) {
      transaction.recordException(e);
      transaction.setStatus(StatusCode.ERROR);
      throw e;
    } finally {
      transaction.end();
      long took = System.nanoTime() - start;
      nanos[0] += took;
      metrics.handlerLatency(item.event.topic()).record(took, TimeUnit.NANOSECONDS);
    }
  }

  /** Ends the spans of a run's events: applied or duplicates up to its failure, which fails. */
  private void endSpans(Run run) {
    for (int i = 0; i < run.items.size(); i++) {
      Item item = run.items.get(i);
      if (item.span == null) {
        continue;
      }
      if (i == run.stop && run.failure != null) {
        EventTracing.failed(item.span, run.failure, failures.deadReason(run.failure, 1, null), 1);
      } else {
        item.span.end();
      }
    }
  }

  private static java.util.stream.Stream<Item> pending(Run run) {
    return run.items.subList(0, run.limit()).stream().filter(i -> i.status == Status.PENDING);
  }

  private static void resetDatabaseStatus(Item item) {
    if (item.status == Status.APPLIED || item.status == Status.DUPLICATE_IN_TX) {
      item.status = Status.PENDING;
    }
  }

  private static void rollbackQuietly(Connection tx, Exception cause) {
    try {
      tx.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** A handler failed on the cheap path: which event, and why. */
  private static final class EventFailedException extends Exception {
    final transient Run run;
    final int index;

    EventFailedException(Run run, int index, Exception cause) {
      super(run.items.get(index).event.toString(), cause, false, false);
      this.run = run;
      this.index = index;
    }
  }
}
