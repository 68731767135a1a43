package dev.relaybox.console;

import dev.relaybox.console.internal.Futures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Plans and applies a consumer group offset reset on one topic, for replays: {@code relaybox
 * replay} and the console's replay share it, so both refuse a group with live members and show the
 * plan before changing anything. Kafka itself cannot replay without double effects; Relaybox
 * consumers can, because they skip event ids already in their processed-keys table. Not
 * thread-safe; the admin client stays the caller's.
 */
public final class OffsetReset {

  private final Admin admin;

  public OffsetReset(Admin admin) {
    this.admin = admin;
  }

  /** Where to start re-reading. */
  public sealed interface Start {
    /** The earliest offset still in the log. */
    record Earliest() implements Start {}

    /** The first record with a timestamp at or after the instant (end offset if none). */
    record FromTimestamp(Instant timestamp) implements Start {}

    /** Explicit offsets per partition; partitions not named keep their committed offset. */
    record FromOffsets(Map<Integer, Long> offsets) implements Start {}
  }

  /**
   * One partition of the plan. {@code windowEnd} is the first offset at or after the window's end
   * ({@code logEnd} without one).
   */
  public record PartitionPlan(
      int partition, Long committed, long newOffset, long logStart, long logEnd, long windowEnd) {
    /** Records the group will read again (or newly) from {@link #newOffset} to the end. */
    public long toRead() {
      return Math.max(0, logEnd - newOffset);
    }

    /** Records from {@link #newOffset} up to the window's end. */
    public long inWindow() {
      return Math.max(0, Math.min(windowEnd, logEnd) - newOffset);
    }
  }

  /** The whole plan for a group and topic. */
  public record Plan(String group, String topic, List<PartitionPlan> partitions) {
    public long totalToRead() {
      return partitions.stream().mapToLong(PartitionPlan::toRead).sum();
    }

    public long totalInWindow() {
      return partitions.stream().mapToLong(PartitionPlan::inWindow).sum();
    }
  }

  /** Thrown when the group has live members: offsets of an active group cannot be changed. */
  public static final class ActiveGroupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ActiveGroupException(String message) {
      super(message);
    }
  }

  /**
   * Computes the new offsets without changing anything.
   *
   * @throws ActiveGroupException if the group has live members
   * @throws IllegalArgumentException if the topic does not exist or an offset is out of range
   */
  public Plan plan(String group, String topic, Start start) {
    return plan(group, topic, start, null);
  }

  /**
   * As {@link #plan(String, String, Start)}, also counting the records before {@code windowEnd} (a
   * group position has no end: the group reads on to the log end whatever the window).
   */
  public Plan plan(String group, String topic, Start start, Instant windowEnd) {
    requireInactive(group);
    List<TopicPartition> partitions = partitions(topic);
    Map<TopicPartition, Long> logStart = listOffsets(partitions, OffsetSpec.earliest());
    Map<TopicPartition, Long> logEnd = listOffsets(partitions, OffsetSpec.latest());
    Map<TopicPartition, Long> windowEnds = new HashMap<>(logEnd);
    if (windowEnd != null) {
      listOffsets(partitions, OffsetSpec.forTimestamp(windowEnd.toEpochMilli()))
          .forEach((tp, offset) -> windowEnds.put(tp, offset < 0 ? logEnd.get(tp) : offset));
    }
    Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
    Map<TopicPartition, Long> target = new HashMap<>();
    if (start instanceof Start.Earliest) {
      target.putAll(logStart);
    } else if (start instanceof Start.FromTimestamp from) {
      Map<TopicPartition, Long> byTime =
          listOffsets(partitions, OffsetSpec.forTimestamp(from.timestamp().toEpochMilli()));
      for (TopicPartition tp : partitions) {
        long offset = byTime.get(tp);
        target.put(tp, offset < 0 ? logEnd.get(tp) : offset); // -1: no record that late
      }
    } else if (start instanceof Start.FromOffsets from) {
      for (Map.Entry<Integer, Long> e : from.offsets().entrySet()) {
        TopicPartition tp = new TopicPartition(topic, e.getKey());
        if (!logEnd.containsKey(tp)) {
          throw new IllegalArgumentException(
              "topic "
                  + topic
                  + " has no partition "
                  + e.getKey()
                  + " (it has "
                  + partitions.size()
                  + ")");
        }
        long offset = e.getValue();
        if (offset < logStart.get(tp) || offset > logEnd.get(tp)) {
          throw new IllegalArgumentException(
              "offset "
                  + offset
                  + " is outside partition "
                  + e.getKey()
                  + "'s log ["
                  + logStart.get(tp)
                  + ", "
                  + logEnd.get(tp)
                  + "]");
        }
        target.put(tp, offset);
      }
    }
    List<PartitionPlan> plans = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata current = committed.get(tp);
      Long committedOffset = current == null ? null : current.offset();
      long newOffset =
          target.getOrDefault(tp, committedOffset == null ? logStart.get(tp) : committedOffset);
      plans.add(
          new PartitionPlan(
              tp.partition(),
              committedOffset,
              newOffset,
              logStart.get(tp),
              logEnd.get(tp),
              windowEnds.get(tp)));
    }
    return new Plan(group, topic, plans);
  }

  /**
   * Commits the plan's offsets for the group. Re-checks that the group is inactive first.
   *
   * @throws ActiveGroupException if a member joined since the plan was made
   */
  public void apply(Plan plan) {
    requireInactive(plan.group());
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (PartitionPlan p : plan.partitions()) {
      offsets.put(
          new TopicPartition(plan.topic(), p.partition()),
          new OffsetAndMetadata(p.newOffset(), "relaybox replay"));
    }
    Futures.get(admin.alterConsumerGroupOffsets(plan.group(), offsets).all());
  }

  private void requireInactive(String group) {
    ConsumerGroupDescription description;
    try {
      description =
          Futures.get(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group));
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return; // never used: nothing to protect
      }
      throw e;
    }
    Collection<MemberDescription> members = description.members();
    GroupState state = description.groupState();
    if (!members.isEmpty() || !(state == GroupState.EMPTY || state == GroupState.DEAD)) {
      String who =
          members.stream()
              .map(m -> m.clientId() + "@" + m.host())
              .collect(Collectors.joining(", "));
      throw new ActiveGroupException(
          "consumer group '"
              + group
              + "' is "
              + state
              + " with "
              + members.size()
              + " live member(s) ["
              + who
              + "]: stop its consumers first, then run replay again");
    }
  }

  private List<TopicPartition> partitions(String topic) {
    var descriptions = admin.describeTopics(Set.of(topic)).topicNameValues().get(topic);
    try {
      return descriptions
          .get(Futures.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .partitions()
          .stream()
          .map(p -> new TopicPartition(topic, p.partition()))
          .collect(Collectors.toList());
    } catch (ExecutionException e) {
      throw new IllegalArgumentException(
          "topic " + topic + " not found: " + e.getCause().getMessage(), e);
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("Kafka did not describe topic " + topic + ": " + e, e);
    }
  }

  private Map<TopicPartition, Long> listOffsets(List<TopicPartition> partitions, OffsetSpec spec) {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    // read_committed: the end is the last stable offset, never inside an open transaction
    Map<TopicPartition, ListOffsetsResultInfo> result =
        Futures.get(
            admin
                .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all());
    Map<TopicPartition, Long> offsets =
        new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
    result.forEach((tp, info) -> offsets.put(tp, info.offset()));
    return offsets;
  }

  private Map<TopicPartition, OffsetAndMetadata> committed(String group) {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        Futures.get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
    Map<TopicPartition, OffsetAndMetadata> present = new HashMap<>();
    offsets.forEach(
        (tp, om) -> {
          if (om != null) present.put(tp, om);
        });
    return present;
  }
}
