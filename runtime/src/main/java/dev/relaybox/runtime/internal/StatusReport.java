package dev.relaybox.runtime.internal;

import dev.relaybox.relay.SlotStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** Collects what {@code relaybox status} shows: slot lag, topic sizes, group lag, dead letters. */
public final class StatusReport {

  /**
   * The relay's replication slot, as Postgres sees it, and its WAL retention: {@code walStatus} and
   * {@code safeWalSizeBytes} from {@code pg_replication_slots}, {@code maxWalKeepSizeBytes} ({@code
   * max_slot_wal_keep_size}, -1 unbounded), and whether it passed the alert threshold ({@code
   * walAlertPercent} of the limit, as the relay's {@code slot.wal.alert.percent}).
   */
  public record Slot(
      String name,
      boolean exists,
      boolean active,
      Long lagBytes,
      Long retainedWalBytes,
      String walStatus,
      Long safeWalSizeBytes,
      long maxWalKeepSizeBytes,
      int walAlertPercent,
      boolean walAlert,
      boolean invalidated) {}

  /** A topic and the number of records it holds. */
  public record TopicStatus(String name, int partitions, long endOffsets, long records) {}

  /** A consumer group's lag on one topic. */
  public record GroupLag(String group, String state, int members, String topic, long lag) {}

  /**
   * The whole report: {@code slot} is the unsharded relay's slot, {@code shardSlots} the slots of a
   * sharded relay of that name ({@code <slot>_shard_<i>_of_<n>}, empty when unsharded).
   */
  public record Report(
      Optional<Slot> slot,
      List<Slot> shardSlots,
      List<TopicStatus> topics,
      List<GroupLag> groups,
      List<TopicStatus> deadLetters) {}

  private StatusReport() {}

  /**
   * Reads the slot (when a data source is given) and every topic matching {@code topicPattern},
   * every consumer group's lag on those topics, and every dead-letter topic ({@code dlqPattern}).
   */
  public static Report collect(
      Admin admin,
      DataSource dataSource,
      String slotName,
      int walAlertPercent,
      Pattern topicPattern,
      Pattern dlqPattern)
      throws SQLException {
    Optional<Slot> slot = Optional.empty();
    List<Slot> shardSlots = new ArrayList<>();
    if (dataSource != null) {
      try (Connection c = dataSource.getConnection()) {
        slot = Optional.of(slot(c, slotName, walAlertPercent));
        for (String shard : SlotStatus.shardSlotNames(c, slotName)) {
          shardSlots.add(slot(c, shard, walAlertPercent));
        }
      }
    }
    Set<String> names = KafkaFutures.get(admin.listTopics().names());
    List<String> topics =
        names.stream().filter(n -> topicPattern.matcher(n).matches()).sorted().toList();
    List<String> dlqs =
        names.stream().filter(n -> dlqPattern.matcher(n).matches()).sorted().toList();
    // read_committed: up to the last stable offset, as the pipeline's readers see the topics
    Map<TopicPartition, Long> end = offsets(admin, union(topics, dlqs), OffsetSpec.latest());
    Map<TopicPartition, Long> start = offsets(admin, union(topics, dlqs), OffsetSpec.earliest());
    return new Report(
        slot,
        shardSlots,
        topicStatus(topics, start, end),
        groupLags(admin, topics, end),
        topicStatus(dlqs, start, end));
  }

  private static Slot slot(Connection c, String name, int alertPercent) throws SQLException {
    SlotStatus s = SlotStatus.read(c, name);
    return new Slot(
        name,
        s.exists(),
        s.active(),
        s.lagBytes(),
        s.retainedWalBytes(),
        s.walStatus(),
        s.safeWalSizeBytes(),
        s.maxWalKeepSizeBytes(),
        alertPercent,
        s.walAlert(alertPercent),
        s.invalidated());
  }

  private static List<TopicStatus> topicStatus(
      List<String> topics, Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {
    List<TopicStatus> result = new ArrayList<>();
    for (String topic : topics) {
      int partitions = 0;
      long endSum = 0;
      long records = 0;
      for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
        if (e.getKey().topic().equals(topic)) {
          partitions++;
          endSum += e.getValue();
          records += e.getValue() - start.getOrDefault(e.getKey(), 0L);
        }
      }
      result.add(new TopicStatus(topic, partitions, endSum, records));
    }
    return result;
  }

  private static List<GroupLag> groupLags(
      Admin admin, List<String> topics, Map<TopicPartition, Long> end) {
    Collection<GroupListing> listings =
        KafkaFutures.get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all());
    List<String> groupIds = listings.stream().map(GroupListing::groupId).sorted().toList();
    if (groupIds.isEmpty()) {
      return List.of();
    }
    Map<String, ConsumerGroupDescription> descriptions =
        KafkaFutures.get(admin.describeConsumerGroups(groupIds).all());
    List<GroupLag> result = new ArrayList<>();
    for (String group : groupIds) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          KafkaFutures.get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
      Map<String, Long> lagByTopic = new TreeMap<>();
      committed.forEach(
          (tp, om) -> {
            if (om != null && topics.contains(tp.topic()) && end.containsKey(tp)) {
              lagByTopic.merge(tp.topic(), Math.max(0, end.get(tp) - om.offset()), Long::sum);
            }
          });
      ConsumerGroupDescription d = descriptions.get(group);
      lagByTopic.forEach(
          (topic, lag) ->
              result.add(
                  new GroupLag(
                      group, String.valueOf(d.groupState()), d.members().size(), topic, lag)));
    }
    return result;
  }

  private static Map<TopicPartition, Long> offsets(
      Admin admin, List<String> topics, OffsetSpec spec) {
    if (topics.isEmpty()) {
      return Map.of();
    }
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    KafkaFutures.get(admin.describeTopics(topics).allTopicNames())
        .forEach(
            (name, d) ->
                d.partitions()
                    .forEach(p -> request.put(new TopicPartition(name, p.partition()), spec)));
    Map<TopicPartition, Long> offsets = new HashMap<>();
    KafkaFutures.get(
            admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all())
        .forEach((tp, info) -> offsets.put(tp, info.offset()));
    return offsets;
  }

  private static List<String> union(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream())
        .distinct()
        .collect(Collectors.toList());
  }
}
