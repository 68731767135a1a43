package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.DeadLetterHeaders;
import dev.relaybox.consumers.ErrorClassifier;
import dev.relaybox.consumers.internal.KeyScheduler.Fate;
import dev.relaybox.consumers.internal.Lane.Pending;
import dev.relaybox.consumers.internal.SetTables.KeyRef;
import dev.relaybox.consumers.internal.SetTables.KeyState;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failed event does to its key. A transient failure with attempts left parks the key: the
 * event, the rest of the lane and every later event of the key go to the retry set, durably before
 * they count as settled. A permanent failure, or the last attempt, moves the event to the dead set;
 * with {@code PARK_KEY} the key's later events wait behind it, with {@code SKIP} they go on.
 */
final class FailureHandler {

  private static final Logger log = LoggerFactory.getLogger(FailureHandler.class);

  private final RunnerSettings settings;
  private final SetStore store;
  private final KeyScheduler scheduler;
  private final RunnerMetrics metrics;
  private final Backoff backoff;
  private final Outage outage;
  private final Runnable deadAdded;

  /**
   * @param deadAdded called after an event joined the dead set (its dead-letter copy is due)
   */
  FailureHandler(
      RunnerSettings settings,
      SetStore store,
      KeyScheduler scheduler,
      RunnerMetrics metrics,
      Backoff backoff,
      Outage outage,
      Runnable deadAdded) {
    this.settings = settings;
    this.store = store;
    this.scheduler = scheduler;
    this.metrics = metrics;
    this.backoff = backoff;
    this.outage = outage;
    this.deadAdded = deadAdded;
  }

  /**
   * The dead-set reason for a failure of attempt {@code attempt}, or null when it is retried:
   * {@code undecodable} when given, else from the {@link ErrorClassifier}.
   */
  String deadReason(Throwable error, int attempt, String undecodable) {
    if (undecodable != null) {
      return undecodable;
    }
    if (settings.handling().errorClassifier().classify(error) == ErrorClassifier.Kind.PERMANENT) {
      return DeadLetterHeaders.REASON_PERMANENT;
    }
    return attempt < settings.retry().maxAttempts()
        ? null
        : DeadLetterHeaders.REASON_RETRIES_EXHAUSTED;
  }

  /**
   * A live event failed: parks its key or kills it, then ends the chunk's hold on the lane.
   *
   * @param events how many events the chunk took from the lane
   * @param failedAndRest the failed event first, then the lane's events after it in the chunk
   * @param undecodable {@link DeadLetterHeaders#REASON_UNDECODABLE} if decoding failed, else null
   */
  void failedLive(
      Lane lane, int events, List<Pending> failedAndRest, Throwable error, String undecodable) {
    Pending failed = failedAndRest.get(0);
    ConsumerRecord<byte[], byte[]> record = failed.record();
    KeyRef key = store.ref(record.topic(), record.partition(), lane.key());
    String reason = deadReason(error, 1, undecodable);
    boolean blocks = settings.retry().deadBlocksKey();
    List<Pending> all = new ArrayList<>(failedAndRest);
    if (reason == null || blocks) {
      all.addAll(scheduler.takePending(lane));
    }
    KeyState state;
    long deadId = -1;
    long delay = backoff.delayMillis(1);
    try (Connection tx = settings.handling().dataSource().getConnection()) {
      tx.setAutoCommit(false);
      try {
        if (reason == null) {
          store.lock(tx, key);
          state = store.park(tx, key, records(all), 1, delay, error);
        } else if (blocks) {
          store.lock(tx, key);
          deadId = store.kill(tx, record, reason, error, 1, true);
          state = store.park(tx, key, records(all.subList(1, all.size())), 0, 0, null);
        } else {
          deadId = store.kill(tx, record, reason, error, 1, false);
          state = null;
        }
        tx.commit();
      } catch (SQLException | RuntimeException e) {
        tx.rollback();
        throw e;
      }
    } catch (SQLException | RuntimeException e) {
      outage.failed("parking key " + keyText(lane.key()) + " of " + lane.tp(), e);
      scheduler.finish(lane, events, all, Fate.LIVE, KeyScheduler.NO_DUE);
      return;
    }
    if (reason == null) {
      scheduler.settle(all);
      metrics.retried(record.topic());
      try (EventLog.Scope context = EventLog.open(settings.groupId(), record, 1)) {
        log.warn(
            "event failed, key parked group={} eventId={} key={} topic={} partition={} offset={}"
                + " attempt=1 maxAttempts={} retryInMs={} parkedEvents={} error={}",
            settings.groupId(),
            RecordCodec.eventId(record.headers()),
            keyText(lane.key()),
            record.topic(),
            record.partition(),
            record.offset(),
            settings.retry().maxAttempts(),
            delay,
            all.size(),
            error.toString());
      }
      scheduler.finish(lane, events, List.of(), Fate.PARKED, dueNanos(state));
    } else if (blocks) {
      scheduler.settle(all);
      died(record, reason, 1, deadId, error, all.size() - 1);
      scheduler.finish(lane, events, List.of(), Fate.PARKED, dueNanos(state));
    } else {
      scheduler.settle(List.of(failed));
      died(record, reason, 1, deadId, error, 0);
      scheduler.finish(lane, events, all.subList(1, all.size()), Fate.LIVE, KeyScheduler.NO_DUE);
    }
  }

  /** Counts and logs an event that joined the dead set, and has its dead-letter copy sent. */
  void died(
      ConsumerRecord<byte[], byte[]> record,
      String reason,
      int attempts,
      long deadId,
      Throwable error,
      int waitingBehind) {
    metrics.deadLettered(record.topic(), reason);
    try (EventLog.Scope context = EventLog.open(settings.groupId(), record, attempts)) {
      log.error(
          "event dead group={} reason={} deadSetId={} policy={} eventId={} key={} topic={}"
              + " partition={} offset={} attempts={} eventsWaitingBehind={} error={}",
          settings.groupId(),
          reason,
          deadId,
          settings.retry().deadKeyPolicy(),
          RecordCodec.eventId(record.headers()),
          keyText(record.key()),
          record.topic(),
          record.partition(),
          record.offset(),
          attempts,
          waitingBehind,
          error.toString());
    }
    deadAdded.run();
  }

  /** When a parked key's head is due after {@code state}, in {@link System#nanoTime} terms. */
  static long dueNanos(KeyState state) {
    return switch (state.kind()) {
      case BLOCKED -> KeyScheduler.NO_DUE;
      case HEAD -> System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(state.waitMillis());
      case NONE -> System.nanoTime(); // nothing parked: the next job releases the key
    };
  }

  static List<ConsumerRecord<byte[], byte[]>> records(List<Pending> events) {
    return events.stream().map(Pending::record).toList();
  }

  static String keyText(byte[] key) {
    return key == null ? null : new String(key, StandardCharsets.UTF_8);
  }
}
