package dev.relaybox.console.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsResult;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Reads the Kafka side of a sample with the admin client: the outbox and dead-letter topics with
 * their start and end offsets, and every consumer group's state, members and committed offsets on
 * the outbox topics.
 */
final class KafkaProbe {

  /** A topic's partitions and the sums of its start and end offsets. */
  record TopicOffsets(String name, int partitions, long start, long end) {}

  /** A group's state, members, lag per outbox topic and the sum of its committed offsets. */
  record GroupView(
      String name,
      String state,
      int members,
      Map<String, Long> lagByTopic,
      long committed,
      Map<TopicPartition, Long> offsets) {}

  /** What one read saw. */
  record View(List<TopicOffsets> topics, List<TopicOffsets> deadLetters, List<GroupView> groups) {}

  private final Sources sources;

  KafkaProbe(Sources sources) {
    this.sources = sources;
  }

  View read() {
    Admin admin = sources.admin();
    Set<String> names = Futures.get(admin.listTopics().names());
    List<String> outbox = names.stream().filter(sources::isOutboxTopic).sorted().toList();
    List<String> dlqs =
        names.stream()
            .filter(n -> n.endsWith(".dlq") || n.equals("relaybox.relay.dlq"))
            .filter(n -> !sources.isOutboxTopic(n))
            .sorted()
            .toList();
    List<String> all = Stream.concat(outbox.stream(), dlqs.stream()).toList();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    if (!all.isEmpty()) {
      Futures.get(admin.describeTopics(all).allTopicNames())
          .forEach(
              (name, d) ->
                  d.partitions()
                      .forEach(
                          p -> {
                            TopicPartition tp = new TopicPartition(name, p.partition());
                            latest.put(tp, OffsetSpec.latest());
                            earliest.put(tp, OffsetSpec.earliest());
                          }));
    }
    Map<TopicPartition, Long> end = offsets(admin, latest);
    Map<TopicPartition, Long> start = offsets(admin, earliest);
    return new View(
        totals(outbox, start, end), totals(dlqs, start, end), groups(admin, outbox, end));
  }

  private static <T> Map<TopicPartition, T> orEmpty(
      java.util.function.Supplier<Map<TopicPartition, T>> read) {
    try {
      return read.get();
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return Map.of();
      }
      throw e;
    }
  }

  private static ConsumerGroupDescription orNull(
      java.util.function.Supplier<ConsumerGroupDescription> read) {
    try {
      return read.get();
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return null;
      }
      throw e;
    }
  }

  private static Map<TopicPartition, Long> offsets(
      Admin admin, Map<TopicPartition, OffsetSpec> request) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    if (!request.isEmpty()) {
      Futures.get(admin.listOffsets(request).all())
          .forEach((tp, info) -> offsets.put(tp, info.offset()));
    }
    return offsets;
  }

  private static List<TopicOffsets> totals(
      List<String> topics, Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {
    List<TopicOffsets> result = new ArrayList<>();
    for (String topic : topics) {
      int partitions = 0;
      long s = 0;
      long e = 0;
      for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
        if (entry.getKey().topic().equals(topic)) {
          partitions++;
          e += entry.getValue();
          s += start.getOrDefault(entry.getKey(), 0L);
        }
      }
      result.add(new TopicOffsets(topic, partitions, s, e));
    }
    return result;
  }

  private List<GroupView> groups(Admin admin, List<String> outbox, Map<TopicPartition, Long> end) {
    List<String> ids = new ArrayList<>(sources.configuredGroups());
    boolean discover = ids.isEmpty();
    if (discover) {
      Collection<GroupListing> listings =
          Futures.get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all());
      listings.stream().map(GroupListing::groupId).sorted().forEach(ids::add);
    }
    if (ids.isEmpty()) {
      return List.of();
    }
    Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
    ids.forEach(id -> specs.put(id, new ListConsumerGroupOffsetsSpec()));
    ListConsumerGroupOffsetsResult offsets = admin.listConsumerGroupOffsets(specs);
    DescribeConsumerGroupsResult described = admin.describeConsumerGroups(ids);
    Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
    Map<String, ConsumerGroupDescription> descriptions = new HashMap<>();
    for (String id : ids) {
      // a configured group that never ran is unknown to the broker: no offsets, no members
      committed.put(id, orEmpty(() -> Futures.get(offsets.partitionsToOffsetAndMetadata(id))));
      descriptions.put(id, orNull(() -> Futures.get(described.describedGroups().get(id))));
    }
    List<GroupView> result = new ArrayList<>();
    for (String id : ids) {
      Map<String, Long> lag = new TreeMap<>();
      Map<TopicPartition, Long> positions = new HashMap<>();
      long sum = 0;
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e :
          committed.getOrDefault(id, Map.of()).entrySet()) {
        TopicPartition tp = e.getKey();
        if (e.getValue() == null || !outbox.contains(tp.topic()) || !end.containsKey(tp)) {
          continue;
        }
        long offset = e.getValue().offset();
        positions.put(tp, offset);
        sum += offset;
        lag.merge(tp.topic(), Math.max(0, end.get(tp) - offset), Long::sum);
      }
      if (discover && lag.isEmpty()) {
        continue; // not a consumer of the outbox topics
      }
      ConsumerGroupDescription d = descriptions.get(id);
      String state = d == null ? "NOT STARTED" : String.valueOf(d.groupState());
      int members = d == null ? 0 : d.members().size();
      result.add(new GroupView(id, state, members, lag, sum, Map.copyOf(positions)));
    }
    return result;
  }
}
