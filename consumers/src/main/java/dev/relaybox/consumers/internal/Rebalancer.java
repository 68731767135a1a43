package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.internal.KeyScheduler.ParkedKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partition handover, on the poll thread. Revoked: stop dispatching the partitions, let their
 * running jobs finish (up to the drain timeout), commit what is settled, forget them. Assigned:
 * load the partitions' parked keys and the offsets already in the sets, so the new owner honours
 * the parked keys of the old one; a partition whose load fails stays paused until it loads.
 */
final class Rebalancer implements ConsumerRebalanceListener {

  private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);

  private final RunnerSettings settings;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final PartitionLanes lanes;
  private final SetQueries queries;
  private final Consumer<Collection<TopicPartition>> commit;
  private final Duration drainTimeout;
  private final Set<TopicPartition> unloaded = new HashSet<>();
  private long nextLoadNanos;

  /** What a rebalance callback is doing right now, for readiness; null outside callbacks. */
  private volatile String inProgress;

  /**
   * @param commit commits what is settled on the given partitions
   */
  Rebalancer(
      RunnerSettings settings,
      KafkaConsumer<byte[], byte[]> consumer,
      PartitionLanes lanes,
      SetQueries queries,
      Consumer<Collection<TopicPartition>> commit) {
    this.settings = settings;
    this.consumer = consumer;
    this.lanes = lanes;
    this.queries = queries;
    this.commit = commit;
    Duration half = settings.kafka().maxPollInterval().dividedBy(2);
    this.drainTimeout =
        settings.shutdownTimeout().compareTo(half) < 0 ? settings.shutdownTimeout() : half;
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    lanes.revoke(partitions);
    inProgress =
        "rebalancing: partitions "
            + partitions
            + " revoked, waiting up to "
            + drainTimeout.toMillis()
            + " ms for their work in flight";
    try {
      if (!lanes.awaitIdle(partitions, drainTimeout.toNanos())) {
        log.warn(
            "work on revoked partitions still running after drainTimeout={} group={}"
                + " partitions={}; the next owner redelivers it and skips what is done",
            drainTimeout,
            settings.groupId(),
            partitions);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    inProgress = "rebalancing: committing revoked partitions " + partitions;
    try {
      commit.accept(partitions);
    } finally {
      inProgress = null;
    }
    lanes.drop(partitions);
    unloaded.removeAll(partitions);
    log.info("partitions revoked group={} partitions={}", settings.groupId(), partitions);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    lanes.revoke(partitions);
    lanes.drop(partitions);
    unloaded.removeAll(partitions);
    log.warn("partitions lost group={} partitions={}", settings.groupId(), partitions);
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    unloaded.addAll(partitions);
    consumer.pause(partitions);
    loadUnloaded();
    log.info("partitions assigned group={} partitions={}", settings.groupId(), partitions);
  }

  /** What a rebalance callback on the poll thread is doing right now, or null. */
  String inProgress() {
    return inProgress;
  }

  /** Assigned partitions whose parked state is not loaded yet: they stay paused. */
  Set<TopicPartition> unloaded() {
    return unloaded;
  }

  /** Tries again to load partitions whose load failed, at most every few seconds. */
  void retryLoads() {
    if (!unloaded.isEmpty() && System.nanoTime() - nextLoadNanos >= 0) {
      loadUnloaded();
    }
  }

  private void loadUnloaded() {
    Set<TopicPartition> partitions = new HashSet<>(unloaded);
    try {
      Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
      Map<String, Set<Integer>> byTopic =
          partitions.stream()
              .collect(
                  Collectors.groupingBy(
                      TopicPartition::topic,
                      Collectors.mapping(
                          TopicPartition::partition, Collectors.toCollection(TreeSet::new))));
      Map<TopicPartition, List<ParkedKey>> parked = new HashMap<>();
      Map<TopicPartition, Set<Long>> settled = new HashMap<>();
      try (Connection c = settings.handling().dataSource().getConnection()) {
        for (var e : byTopic.entrySet()) {
          queries
              .parkedKeys(c, e.getKey(), e.getValue())
              .forEach((p, keys) -> parked.put(new TopicPartition(e.getKey(), p), keys));
        }
        for (TopicPartition tp : partitions) {
          OffsetAndMetadata from = committed.get(tp);
          settled.put(
              tp,
              queries.settledOffsets(
                  c, tp.topic(), tp.partition(), from == null ? 0 : from.offset()));
        }
      }
      for (TopicPartition tp : partitions) {
        lanes.assigned(tp, parked.get(tp), settled.get(tp));
        if (!parked.get(tp).isEmpty()) {
          log.info(
              "parked keys loaded group={} partition={} keys={}",
              settings.groupId(),
              tp,
              parked.get(tp).size());
        }
      }
      unloaded.removeAll(partitions);
      consumer.resume(partitions);
    } catch (SQLException | RuntimeException e) {
      if (e instanceof org.apache.kafka.common.errors.WakeupException w) {
        throw w;
      }
      nextLoadNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      log.warn(
          "cannot load the parked keys of assigned partitions, they stay paused and loading is"
              + " retried group={} partitions={} error={}",
          settings.groupId(),
          partitions,
          e.toString());
    }
  }
}
