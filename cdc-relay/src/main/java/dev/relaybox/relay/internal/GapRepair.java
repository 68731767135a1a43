package dev.relaybox.relay.internal;

import dev.relaybox.relay.OutboxReconciler;
import dev.relaybox.relay.RelayConfig;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code reconcile.after.slot.loss}: after the relay started over from a new slot, waits until it
 * has relayed everything committed up to the new slot's creation (its heartbeat watermark passes
 * creation + {@code reconcile.max.transaction.age.ms}), then reconciles the gap once, from the last
 * event relayed from the lost slot. Called on the supervisor thread.
 */
final class GapRepair {
  private static final Logger LOG = LoggerFactory.getLogger(GapRepair.class);

  private final RelayConfig config;
  private final RelayProgress progress;
  private final Instant from;
  private final Instant needWatermark;
  private int failures;

  /**
   * @param lastRelayed commit time of the last event relayed from the lost slot
   * @param newSlotAt when the relay dropped the lost slot (the new one is younger)
   */
  GapRepair(RelayConfig config, RelayProgress progress, Instant lastRelayed, Instant newSlotAt) {
    Duration age = config.get(RelaySettings.MAX_TRANSACTION_AGE);
    this.config = config;
    this.progress = progress;
    this.from = lastRelayed.minus(age);
    this.needWatermark = newSlotAt.plus(age);
  }

  /** Reconciles if the relay got far enough; returns true when there is nothing more to do. */
  boolean attempt() {
    Position p = progress.committed();
    if (p == null
        || p.relayedThroughMs() == null
        || Instant.ofEpochMilli(p.relayedThroughMs()).isBefore(needWatermark)) {
      return false;
    }
    try (OutboxReconciler.Result r =
        OutboxReconciler.create(config)
            .reconcile(
                from, null, false, done -> LOG.info("gap repair republished={} so far", done))) {
      LOG.warn(
          "gap after the lost slot reconciled from={} to={} retainedRows={} missingInKafka={}"
              + " republished={} firstMissing={}",
          r.from(),
          r.to(),
          r.retained(),
          r.missing().size(),
          r.republished(),
          r.missing().isEmpty() ? "-" : r.missing().get(0));
      return true;
    } catch (Exception e) {
      boolean giveUp = ++failures >= 10;
      LOG.error(
          "gap repair failed attempt={} from={} error={}{}",
          failures,
          from,
          String.valueOf(e),
          giveUp
              ? "; giving up: run `relaybox outbox reconcile --config <relay.properties> --from "
                  + from
                  + "`"
              : ", retrying at the next slot check");
      return giveUp;
    }
  }
}
