package dev.relaybox.runtime.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads topics with {@code assign} and {@code seek}: no consumer group, no offset commit, so
 * browsing a dead-letter topic changes nothing. Not thread-safe (one Kafka consumer).
 */
public final class DlqReader implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(500);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Duration timeout;

  /**
   * @param timeout how long a metadata or offset request, or a poll that makes no progress, may
   *     take before {@link org.apache.kafka.common.errors.TimeoutException}
   */
  public DlqReader(Map<String, Object> client, Duration timeout) {
    this.timeout = timeout;
    Map<String, Object> config = new HashMap<>(client);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "relaybox-dlq-reader");
    config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    config.put(
        ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * The topic's partition numbers, ascending.
   *
   * @throws IllegalArgumentException if the topic does not exist
   * @throws org.apache.kafka.common.errors.TimeoutException if Kafka does not answer
   */
  public List<Integer> partitions(String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException(
          "topic '" + topic + "' does not exist; `relaybox status` lists the dead-letter topics");
    }
    return infos.stream().map(PartitionInfo::partition).sorted().toList();
  }

  /** Records in the topic now (end minus start offsets over all partitions). */
  public long size(String topic) {
    List<TopicPartition> tps = topicPartitions(topic);
    Map<TopicPartition, Long> start = consumer.beginningOffsets(tps, timeout);
    Map<TopicPartition, Long> end = consumer.endOffsets(tps, timeout);
    return tps.stream().mapToLong(tp -> end.get(tp) - start.get(tp)).sum();
  }

  /** The partition's end offset (the offset the next record will get). */
  public long endOffset(TopicPartition tp) {
    return consumer.endOffsets(List.of(tp), timeout).get(tp);
  }

  /**
   * Reads the topic partition by partition, in offset order, up to the end offsets taken when the
   * call starts, and passes each record matching the filter to the list until {@code limit} match.
   *
   * @param progress called with the number of records read so far, after every poll
   */
  public List<DlqRecord> scan(
      String topic, Predicate<DlqRecord> filter, int limit, LongConsumer progress) {
    List<DlqRecord> matches = new ArrayList<>();
    long[] read = {0};
    for (TopicPartition tp : topicPartitions(topic)) {
      readPartition(
          tp,
          -1,
          record -> {
            read[0]++;
            if (filter.test(record)) {
              matches.add(record);
            }
            return matches.size() < limit;
          },
          () -> progress.accept(read[0]));
      if (matches.size() >= limit) {
        break;
      }
    }
    return matches;
  }

  /**
   * Reads one partition from {@code fromOffset} (or the log start when negative or below it) to the
   * end offset taken when the call starts; the visitor returns false to stop early.
   */
  public void readPartition(
      TopicPartition tp, long fromOffset, Predicate<DlqRecord> visitor, Runnable afterPoll) {
    long end = endOffset(tp);
    long start = consumer.beginningOffsets(List.of(tp), timeout).get(tp);
    long from = Math.max(start, fromOffset);
    if (from >= end) {
      return;
    }
    consumer.assign(List.of(tp));
    consumer.seek(tp, from);
    long idleDeadline = System.nanoTime() + timeout.toNanos();
    while (consumer.position(tp, timeout) < end) {
      var records = consumer.poll(POLL).records(tp);
      if (records.isEmpty()) {
        if (System.nanoTime() > idleDeadline) {
          throw new org.apache.kafka.common.errors.TimeoutException(
              "no records from "
                  + tp
                  + " at offset "
                  + consumer.position(tp)
                  + " within "
                  + timeout);
        }
        continue;
      }
      idleDeadline = System.nanoTime() + timeout.toNanos();
      for (ConsumerRecord<byte[], byte[]> r : records) {
        if (r.offset() >= end || !visitor.test(DlqRecord.of(r))) {
          consumer.unsubscribe();
          return;
        }
      }
      afterPoll.run();
    }
    consumer.unsubscribe();
  }

  /**
   * The record at that offset.
   *
   * @return empty if the partition does not exist or the offset is outside its log
   */
  public Optional<DlqRecord> read(String topic, int partition, long offset) {
    if (!partitions(topic).contains(partition)) {
      return Optional.empty();
    }
    TopicPartition tp = new TopicPartition(topic, partition);
    DlqRecord[] found = {null};
    readPartition(
        tp,
        offset,
        record -> {
          if (record.offset() == offset) {
            found[0] = record;
          }
          return false; // the first record at or after the offset decides
        },
        () -> {});
    return Optional.ofNullable(found[0]);
  }

  private List<TopicPartition> topicPartitions(String topic) {
    return partitions(topic).stream()
        .map(p -> new TopicPartition(topic, p))
        .sorted(Comparator.comparingInt(TopicPartition::partition))
        .toList();
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
