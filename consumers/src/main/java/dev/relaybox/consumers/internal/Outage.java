package dev.relaybox.consumers.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failures that are not an event's fault (the database, the schema registry or the runner's own
 * tables unreachable): nothing is parked for them; the work goes back to its lanes and every worker
 * waits a backoff that grows with each consecutive failure. Thread-safe.
 */
final class Outage {

  private static final Logger log = LoggerFactory.getLogger(Outage.class);

  private final String group;
  private final Backoff backoff;
  private final KeyScheduler scheduler;
  private final RunnerMetrics metrics;
  private final AtomicInteger consecutive = new AtomicInteger();

  Outage(String group, Backoff backoff, KeyScheduler scheduler, RunnerMetrics metrics) {
    this.group = group;
    this.backoff = backoff;
    this.scheduler = scheduler;
    this.metrics = metrics;
  }

  /** Work failed for {@code error}: back off every worker; returns the delay in nanoseconds. */
  long failed(String what, Exception error) {
    int failures = consecutive.incrementAndGet();
    long delay = backoff.delayMillis(failures);
    metrics.batchFailed();
    scheduler.backOff(TimeUnit.MILLISECONDS.toNanos(delay));
    if (failures == 1 || failures % 10 == 0) {
      log.error(
          "{} failed, will retry group={} failures={} backoffMs={} error={}",
          what,
          group,
          failures,
          delay,
          error.toString());
    }
    return TimeUnit.MILLISECONDS.toNanos(delay);
  }

  /** Work succeeded: the outage, if any, is over. */
  void succeeded() {
    int failures = consecutive.getAndSet(0);
    if (failures > 0) {
      log.info("recovered group={} after failures={}", group, failures);
    }
  }
}
