package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.internal.KeyScheduler.ParkedKey;
import dev.relaybox.consumers.internal.SetQueries.Counts;
import dev.relaybox.consumers.internal.SetQueries.Unpublished;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's look at its sets, every second on a thread of its own ({@code relaybox-sets-
 * <group>}): it reconciles the parked keys of the owned partitions with the database (an operator's
 * redrive or discard is noticed here), counts the group's sets for the metrics and the intake
 * bounds, and copies new dead events to the dead-letter topic.
 */
final class SetMonitor implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SetMonitor.class);
  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int PUBLISH_BATCH = 200;

  private final RunnerSettings settings;
  private final SetQueries queries;
  private final PartitionLanes lanes;
  private final RunnerMetrics metrics;
  private final DeadLetterPublisher publisher;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Thread thread;
  private boolean woken;
  private volatile boolean closed;
  private volatile String pausedReason;
  private boolean failing;

  SetMonitor(
      RunnerSettings settings,
      SetQueries queries,
      PartitionLanes lanes,
      RunnerMetrics metrics,
      DeadLetterPublisher publisher) {
    this.settings = settings;
    this.queries = queries;
    this.lanes = lanes;
    this.metrics = metrics;
    this.publisher = publisher;
    this.thread = new Thread(this::loop, "relaybox-sets-" + settings.groupId());
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Runs a pass soon, e.g. because a dead event's copy is due. */
  void wake() {
    lock.lock();
    try {
      woken = true;
      wake.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Why intake must pause (the parked keys or events at their bound), if it must. */
  Optional<String> pauseReason() {
    return Optional.ofNullable(pausedReason);
  }

  private void loop() {
    while (!closed) {
      try {
        pass();
        if (failing) {
          failing = false;
          log.info("retry and dead sets reachable again group={}", settings.groupId());
        }
      } catch (SQLException | RuntimeException e) {
        if (!failing) {
          failing = true;
          log.warn(
              "cannot read the retry and dead sets, will retry every second group={} error={}",
              settings.groupId(),
              e.toString());
        }
      }
      lock.lock();
      try {
        long left = INTERVAL_NANOS;
        while (!woken && !closed && left > 0) {
          left = wake.awaitNanos(left);
        }
        woken = false;
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
    }
  }

  private void pass() throws SQLException {
    long taken = System.nanoTime();
    Map<String, Set<Integer>> owned =
        lanes.owned().stream()
            .collect(
                Collectors.groupingBy(
                    TopicPartition::topic,
                    Collectors.mapping(
                        TopicPartition::partition, Collectors.toCollection(TreeSet::new))));
    Map<String, List<Unpublished>> unpublished = new HashMap<>();
    try (Connection c = settings.handling().dataSource().getConnection()) {
      Map<TopicPartition, List<ParkedKey>> snapshot = new HashMap<>();
      for (var e : owned.entrySet()) {
        queries
            .parkedKeys(c, e.getKey(), e.getValue())
            .forEach((p, keys) -> snapshot.put(new TopicPartition(e.getKey(), p), keys));
        unpublished.put(
            e.getKey(), queries.unpublished(c, e.getKey(), e.getValue(), PUBLISH_BATCH));
      }
      lanes.reconcile(snapshot, taken);
      bounds(queries.counts(c));
    }
    for (List<Unpublished> rows : unpublished.values()) {
      if (!rows.isEmpty()) {
        publish(rows);
      }
    }
  }

  private void publish(List<Unpublished> rows) throws SQLException {
    try {
      publisher.publish(rows);
    } catch (java.util.concurrent.ExecutionException e) {
      log.warn(
          "dead-letter copies not acknowledged, will send again group={} topic={} events={}"
              + " error={}",
          settings.groupId(),
          settings.kafka().deadLetterTopic(),
          rows.size(),
          String.valueOf(e.getCause()));
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try (Connection c = settings.handling().dataSource().getConnection()) {
      queries.published(c, rows.stream().map(Unpublished::id).toList());
    }
  }

  private void bounds(Counts counts) {
    Scheduling limits = settings.scheduling();
    metrics.sets(counts.keys(), counts.retryRows(), counts.deadRows(), counts.oldestSeconds());
    String over = null;
    if (counts.keys() >= limits.maxParkedKeys()) {
      over = "parked keys " + counts.keys() + "/" + limits.maxParkedKeys();
    } else if (counts.parkedEvents() >= limits.maxParkedEvents()) {
      over = "parked events " + counts.parkedEvents() + "/" + limits.maxParkedEvents();
    }
    boolean below =
        counts.keys() < 0.9 * limits.maxParkedKeys()
            && counts.parkedEvents() < 0.9 * limits.maxParkedEvents();
    if (over != null) {
      if (pausedReason == null) {
        log.warn(
            "intake paused: {} (maxParkedKeys/maxParkedEvents); nothing is dropped, parked keys"
                + " are still retried, resumes below 90 % group={}",
            over, settings.groupId());
      }
      pausedReason = "intake paused: " + over;
    } else if (pausedReason != null && below) {
      log.info(
          "intake resumed group={} parkedKeys={} parkedEvents={}",
          settings.groupId(),
          counts.keys(),
          counts.parkedEvents());
      pausedReason = null;
    }
  }

  @Override
  public void close() {
    closed = true;
    wake();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
