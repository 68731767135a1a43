package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.DeadLetterHeaders;
import dev.relaybox.consumers.internal.EventDecoder.DecodeLater;
import dev.relaybox.consumers.internal.EventDecoder.Undecodable;
import dev.relaybox.consumers.internal.KeyScheduler.Fate;
import dev.relaybox.consumers.internal.Lane.Pending;
import dev.relaybox.consumers.internal.SetStore.Claimed;
import dev.relaybox.consumers.internal.SetTables.KeyRef;
import dev.relaybox.consumers.internal.SetTables.KeyState;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a parked key up to date and retries its head while it is due. Each round is: under the
 * key's lock, append the lane's new events to the retry set (queued behind the head), then claim
 * the head if due (attempt counted before it runs). A successful attempt commits the effect with
 * the processed key and deletes the head in one transaction; the next event of the key then heads
 * it and runs in the next round. A key with nothing left in either set is released: its later
 * events run live again.
 */
final class ParkedKeyJob {

  private static final Logger log = LoggerFactory.getLogger(ParkedKeyJob.class);

  private enum Result {
    /** Applied, or found applied: the next head is due now. */
    DONE,
    /** Failed with attempts left; the claim already set its next time. */
    RETRY,
    /** Moved to the dead set. */
    DEAD
  }

  private final RunnerSettings settings;
  private final ProcessedKeys keys;
  private final SetStore store;
  private final KeyScheduler scheduler;
  private final RunnerMetrics metrics;
  private final FailureHandler failures;
  private final Backoff backoff;
  private final Outage outage;
  private final EventTracing tracing;
  private final EventDecoder decoder;

  ParkedKeyJob(
      RunnerSettings settings,
      ProcessedKeys keys,
      SetStore store,
      KeyScheduler scheduler,
      RunnerMetrics metrics,
      FailureHandler failures,
      Backoff backoff,
      Outage outage) {
    this.settings = settings;
    this.keys = keys;
    this.store = store;
    this.scheduler = scheduler;
    this.metrics = metrics;
    this.failures = failures;
    this.backoff = backoff;
    this.outage = outage;
    this.decoder = new EventDecoder(settings.handling());
    this.tracing = new EventTracing(settings.groupId());
  }

  void run(Lane lane) {
    KeyRef key = store.ref(lane.tp().topic(), lane.tp().partition(), lane.key());
    while (true) {
      List<Pending> appended = scheduler.takePending(lane);
      KeyState state;
      Claimed claimed = null;
      try (Connection tx = settings.handling().dataSource().getConnection()) {
        tx.setAutoCommit(false);
        try {
          state = store.lock(tx, key);
          if (state.kind() == SetTables.Kind.NONE) {
            tx.commit();
            // Released (the last event succeeded, or an operator discarded the dead one): the
            // events that arrived meanwhile are the key's oldest now and run live.
            scheduler.finish(lane, 1, appended, Fate.LIVE, KeyScheduler.NO_DUE);
            return;
          }
          if (!appended.isEmpty()) {
            state = store.park(tx, key, FailureHandler.records(appended), 0, 0, null);
          }
          if (state.kind() == SetTables.Kind.HEAD
              && state.waitMillis() == 0
              && !scheduler.closing()) {
            int attempt = state.attempt() + 1;
            claimed =
                store.claim(tx, key, state.headOffset(), attempt, backoff.delayMillis(attempt));
          }
          tx.commit();
        } catch (SQLException | RuntimeException e) {
          tx.rollback();
          throw e;
        }
      } catch (SQLException | RuntimeException e) {
        long delay = outage.failed("retry of key " + FailureHandler.keyText(lane.key()), e);
        scheduler.finish(lane, 1, appended, Fate.PARKED, System.nanoTime() + delay);
        return;
      }
      scheduler.settle(appended);
      if (claimed == null) {
        scheduler.finish(lane, 1, List.of(), Fate.PARKED, FailureHandler.dueNanos(state));
        return;
      }
      Result result;
      try {
        result = attempt(key, claimed);
        outage.succeeded();
      } catch (SQLException | DecodeLater | RuntimeException e) {
        // Not the event's fault: its claim makes it due again after the backoff.
        long delay = outage.failed("retry of key " + FailureHandler.keyText(lane.key()), e);
        scheduler.finish(lane, 1, List.of(), Fate.PARKED, System.nanoTime() + delay);
        return;
      }
      if (result == Result.RETRY) {
        long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(claimed.delayMillis());
        scheduler.finish(lane, 1, List.of(), Fate.PARKED, due);
        return;
      }
      // DONE or DEAD: the next round finds the new head, a blocked key or a released one.
    }
  }

  /** Runs the claimed head once; database failures outside the handler throw. */
  private Result attempt(KeyRef key, Claimed claimed) throws SQLException, DecodeLater {
    Span span = tracing.start(claimed.record(), claimed.attempt());
    try (Scope current = span.makeCurrent();
        EventLog.Scope log =
            EventLog.open(
                settings.groupId(), claimed.record(), claimed.attempt(), EventTracing.ids(span))) {
      Result result = attemptLogged(key, claimed);
      if (result == Result.DONE) {
        span.end(); // RETRY and DEAD ended it with their event
      }
      return result;
    } catch (SQLException | DecodeLater | RuntimeException e) {
      EventTracing.fail(span, e);
      throw e;
    }
  }

  private Result attemptLogged(KeyRef key, Claimed claimed) throws SQLException, DecodeLater {
    ConsumerRecord<byte[], byte[]> record = claimed.record();
    ConsumedEvent event;
    try {
      event = decoder.decode(record, claimed.attempt());
    } catch (Undecodable e) {
      return kill(key, claimed, e.reason(), DeadLetterHeaders.REASON_UNDECODABLE);
    }
    if (claimed.attempt() > settings.retry().maxAttempts()) {
      // The process died during the last allowed attempt (claims count even then).
      return kill(
          key,
          claimed,
          new IllegalStateException(
              "attempt "
                  + (claimed.attempt() - 1)
                  + " did not finish (the process stopped); last error: "
                  + claimed.lastError()),
          DeadLetterHeaders.REASON_RETRIES_EXHAUSTED);
    }
    boolean dedup = settings.processedKeys().deduplicate();
    Object result = null;
    long start = System.nanoTime();
    if (settings.handling().twoPhaseHandler() != null) {
      if (dedup && !keys.existing(Set.of(event.eventId())).isEmpty()) {
        return applied(key, claimed, null, null);
      }
      Span call = tracing.child(Span.current(), "call");
      try (Scope current = call.makeCurrent()) {
        result = settings.handling().twoPhase().call(event);
      } catch (Exception e) {
        call.recordException(e);
        call.setStatus(StatusCode.ERROR);
        return failed(key, claimed, e);
      } finally {
        call.end();
        metrics
            .handlerLatency(event.topic())
            .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
    }
    return applied(key, claimed, event, result);
  }

  /**
   * One transaction: the processed key, the effect (unless {@code event} is null: known to be
   * applied), the head's deletion. A handler failure rolls it back and is classified.
   */
  private Result applied(KeyRef key, Claimed claimed, ConsumedEvent event, Object result)
      throws SQLException {
    String topic = claimed.record().topic();
    Exception handlerFailure = null;
    boolean fresh;
    try (Connection tx = settings.handling().dataSource().getConnection()) {
      tx.setAutoCommit(false);
      try {
        store.lock(tx, key);
        fresh =
            event != null
                && (!settings.processedKeys().deduplicate() || keys.insertOne(tx, event.eventId()));
        if (fresh) {
          handlerFailure = handle(event, result, tx);
        }
        if (handlerFailure == null) {
          store.delete(tx, key, claimed.record().offset());
          tx.commit();
        } else {
          tx.rollback();
        }
      } catch (SQLException | RuntimeException e) {
        tx.rollback();
        throw e;
      }
    }
    if (handlerFailure != null) {
      // Handled with the transaction's connection back in the pool: a job never holds two.
      return failed(key, claimed, handlerFailure);
    }
    if (fresh) {
      metrics.processed(topic, 1);
    } else {
      metrics.duplicates(topic, 1);
    }
    log.info(
        "parked event {} group={} eventId={} key={} topic={} partition={} offset={} attempt={}",
        fresh ? "applied" : "was applied before",
        settings.groupId(),
        RecordCodec.eventId(claimed.record().headers()),
        FailureHandler.keyText(claimed.record().key()),
        topic,
        claimed.record().partition(),
        claimed.record().offset(),
        claimed.attempt());
    return Result.DONE;
  }

  /** Runs the handler's database part in {@code tx}; returns its failure, if any. */
  private Exception handle(ConsumedEvent event, Object result, Connection tx) {
    long start = System.nanoTime();
    Span transaction = tracing.child(Span.current(), "transaction");
    try (Scope current = transaction.makeCurrent()) {
      if (settings.handling().eventHandler() != null) {
        settings.handling().eventHandler().handle(event, tx);
      } else {
        settings.handling().twoPhase().record(event, result, tx);
      }
      return null;
    } catch (Exception e) {
      transaction.recordException(e);
      transaction.setStatus(StatusCode.ERROR);
      return e;
    } finally {
      transaction.end();
      metrics.handlerLatency(event.topic()).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  /** An attempt failed: retry later, or kill it. */
  private Result failed(KeyRef key, Claimed claimed, Exception error) throws SQLException {
    String reason = failures.deadReason(error, claimed.attempt(), null);
    if (reason != null) {
      return kill(key, claimed, error, reason);
    }
    try (Connection c = settings.handling().dataSource().getConnection()) {
      store.failed(c, key, claimed.record().offset(), error);
    }
    metrics.retried(claimed.record().topic());
    ConsumerRecord<byte[], byte[]> r = claimed.record();
    log.warn(
        "retry failed, key stays parked group={} eventId={} key={} topic={} partition={}"
            + " offset={} attempt={} maxAttempts={} error={}",
        settings.groupId(),
        RecordCodec.eventId(r.headers()),
        FailureHandler.keyText(r.key()),
        r.topic(),
        r.partition(),
        r.offset(),
        claimed.attempt(),
        settings.retry().maxAttempts(),
        error.toString());
    EventTracing.failed(Span.current(), error, null, claimed.attempt());
    return Result.RETRY;
  }

  private Result kill(KeyRef key, Claimed claimed, Throwable error, String reason)
      throws SQLException {
    long id;
    try (Connection tx = settings.handling().dataSource().getConnection()) {
      tx.setAutoCommit(false);
      try {
        store.lock(tx, key);
        id =
            store.killHead(
                tx,
                key,
                claimed.record().offset(),
                reason,
                error,
                settings.retry().deadBlocksKey());
        tx.commit();
      } catch (SQLException | RuntimeException e) {
        tx.rollback();
        throw e;
      }
    }
    failures.died(claimed.record(), reason, claimed.attempt(), id, error, -1);
    EventTracing.failed(Span.current(), error, reason, claimed.attempt());
    return Result.DEAD;
  }
}
