package dev.relaybox.console.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads the outbox topics for a trace, never as a group member: the records of one key (only the
 * partition the key hashes to, in each topic) or the record carrying one event id ({@code id}
 * header, every partition), from a point in time to the end offsets seen at the start. Reads at
 * most {@code maxRecords} records and says when it stopped early.
 */
final class TopicReader implements AutoCloseable {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  /** What a read found, and whether it stopped before the end. */
  record Found(List<ConsumerRecord<byte[], byte[]>> records, long read, boolean truncated) {}

  private final Sources sources;
  private final int maxRecords;
  // one consumer for every trace (traces take turns): creating one costs a metadata round trip
  private KafkaConsumer<byte[], byte[]> consumer;

  TopicReader(Sources sources, int maxRecords) {
    this.sources = sources;
    this.maxRecords = maxRecords;
  }

  /** The records keyed {@code key} in {@code topics} since {@code from}, in offset order. */
  synchronized Found byKey(List<String> topics, String key, Instant from) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    KafkaConsumer<byte[], byte[]> consumer = consumer();
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        if (infos != null && !infos.isEmpty()) {
          // the producer's default partitioner: murmur2 of the key bytes
          partitions.add(
              new TopicPartition(topic, Utils.toPositive(Utils.murmur2(bytes)) % infos.size()));
        }
      }
      return read(consumer, partitions, from, r -> r.key() != null && equal(r.key(), bytes), false);
    } catch (RuntimeException e) {
      close(); // a broken consumer is not reused
      throw e;
    } finally {
      if (this.consumer != null) {
        this.consumer.assign(List.of());
      }
    }
  }

  /**
   * The first record whose {@code id} header is {@code eventId}, in {@code topics} since {@code
   * from}.
   */
  synchronized Found byEventId(List<String> topics, String eventId, Instant from) {
    byte[] id = eventId.getBytes(StandardCharsets.UTF_8);
    KafkaConsumer<byte[], byte[]> consumer = consumer();
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        if (infos != null) {
          infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        }
      }
      return read(
          consumer,
          partitions,
          from,
          r -> {
            Header h = r.headers().lastHeader("id");
            return h != null && h.value() != null && equal(h.value(), id);
          },
          true);
    } catch (RuntimeException e) {
      close();
      throw e;
    } finally {
      if (this.consumer != null) {
        this.consumer.assign(List.of());
      }
    }
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    if (consumer == null) {
      consumer = sources.consumer();
    }
    return consumer;
  }

  @Override
  public synchronized void close() {
    if (consumer != null) {
      consumer.close(Duration.ofSeconds(5));
      consumer = null;
    }
  }

  private Found read(
      KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions,
      Instant from,
      Predicate<ConsumerRecord<byte[], byte[]>> wanted,
      boolean firstOnly) {
    if (partitions.isEmpty()) {
      return new Found(List.of(), 0, false);
    }
    consumer.assign(partitions);
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    Map<TopicPartition, Long> times = new HashMap<>();
    partitions.forEach(tp -> times.put(tp, from.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(times);
    List<TopicPartition> open = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      OffsetAndTimestamp start = starts.get(tp);
      if (start != null && start.offset() < ends.get(tp)) {
        consumer.seek(tp, start.offset());
        open.add(tp);
      }
    }
    List<TopicPartition> empty = new ArrayList<>(partitions);
    empty.removeAll(open);
    consumer.pause(empty);
    List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
    long read = 0;
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!open.isEmpty()) {
      if (read >= maxRecords || System.nanoTime() > deadline) {
        return new Found(found, read, true);
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (r.offset() >= ends.getOrDefault(tp, 0L)) {
          continue; // appended after the trace started
        }
        read++;
        if (wanted.test(r)) {
          found.add(r);
          if (firstOnly) {
            return new Found(found, read, false);
          }
        }
      }
      List<TopicPartition> done =
          open.stream().filter(tp -> consumer.position(tp) >= ends.get(tp)).toList();
      consumer.pause(done);
      open.removeAll(done);
    }
    found.sort(
        java.util.Comparator.comparing((ConsumerRecord<byte[], byte[]> r) -> r.timestamp())
            .thenComparing(ConsumerRecord::topic)
            .thenComparingLong(ConsumerRecord::offset));
    return new Found(found, read, false);
  }

  private static boolean equal(byte[] a, byte[] b) {
    return java.util.Arrays.equals(a, b);
  }
}
