package dev.relaybox.relay.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.relay.RelayConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Finds which event ids are on a set of topics, reading {@code read_committed} from the first
 * record whose timestamp is at or after a time (the relay stamps records with the row's {@code
 * created_at}) to the end each partition had when the scan began. Used by {@code outbox reconcile};
 * one thread.
 */
public final class TopicScan implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(500);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<TopicPartition, Long> end = new HashMap<>();

  public TopicScan(RelayConfig config) {
    Map<String, Object> p = new HashMap<>(EngineProperties.clientSecurity(config));
    p.put(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        config.get(CommonSettings.KAFKA_BOOTSTRAP_SERVERS));
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.name() + "-reconcile");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    this.consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Removes from {@code wanted} every id found on {@code topics} at or after {@code from}; stops
   * early once none is left.
   *
   * @return partitions whose log starts at their first record at or after {@code from} although
   *     records were deleted before it (retention may have removed records of the window)
   */
  public List<TopicPartition> scan(Collection<String> topics, Instant from, Set<UUID> wanted) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos != null) {
        infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
      }
    }
    end.putAll(consumer.endOffsets(partitions));
    Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(tp -> query.put(tp, from.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(query);
    List<TopicPartition> truncated = new ArrayList<>();
    List<TopicPartition> toRead = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      OffsetAndTimestamp s = start.get(tp);
      if (s == null) {
        continue; // no record at or after `from`
      }
      if (beginning.get(tp) > 0 && s.offset() == beginning.get(tp)) {
        truncated.add(tp);
      }
      if (s.offset() < end.get(tp)) {
        toRead.add(tp);
      }
    }
    consumer.assign(toRead);
    toRead.forEach(tp -> consumer.seek(tp, start.get(tp).offset()));
    Set<TopicPartition> open = new HashSet<>(toRead);
    while (!open.isEmpty() && !wanted.isEmpty()) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
        UUID id = eventId(r);
        if (id != null) {
          wanted.remove(id);
        }
      }
      open.removeIf(tp -> consumer.position(tp) >= end.get(tp));
    }
    return truncated;
  }

  /**
   * Waits until every id of {@code ids} appears on the scanned partitions after the end the scan
   * read to (where republished events land).
   *
   * @return the ids still missing when {@code timeout} elapsed (empty on success)
   */
  public Set<UUID> awaitAppended(Set<UUID> ids, Duration timeout) {
    Set<UUID> missing = new HashSet<>(ids);
    List<TopicPartition> partitions = new ArrayList<>(end.keySet());
    consumer.assign(partitions);
    partitions.forEach(tp -> consumer.seek(tp, end.get(tp)));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!missing.isEmpty() && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
        UUID id = eventId(r);
        if (id != null) {
          missing.remove(id);
        }
      }
    }
    return missing;
  }

  private static UUID eventId(ConsumerRecord<byte[], byte[]> r) {
    Header h = r.headers().lastHeader(OutboxRouter.HEADER_ID);
    if (h == null) {
      return null;
    }
    try {
      return UUID.fromString(new String(h.value(), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return null; // not an outbox event id
    }
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
