package dev.relaybox.relay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every partition of the given topics from the beginning, {@code read_committed} unless told
 * otherwise, and counts events by their {@code id} header. Use from one thread.
 */
final class TopicReader implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
  final Map<String, Integer> countById = new HashMap<>();

  TopicReader(String bootstrapServers, String... topics) {
    this(true, bootstrapServers, topics);
  }

  /**
   * A reader that also sees records of open and aborted transactions when not {@code committed}.
   */
  TopicReader(boolean committed, String bootstrapServers, String... topics) {
    Properties p = new Properties();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committed ? "read_committed" : "read_uncommitted");
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Polls once (up to 200 ms) and returns the number of distinct event ids seen so far. */
  int poll() {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
      records.add(r);
      countById.merge(header(r, "id"), 1, Integer::sum);
    }
    return countById.size();
  }

  /**
   * Polls until every partition is read to its end as of this call (the last stable offset for a
   * read_committed reader) and returns this reader.
   */
  TopicReader readToEnd(Duration timeout) {
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not read to the end within " + timeout + ": " + end);
      }
      poll();
    }
    return this;
  }

  /** Records read so far minus distinct ids. */
  int duplicates() {
    return records.size() - countById.size();
  }

  /** Event ids per record key in the order they were read (first occurrence only). */
  Map<String, List<String>> idsByKey() {
    Map<String, List<String>> byKey = new LinkedHashMap<>();
    Map<String, Boolean> seen = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      String id = header(r, "id");
      if (seen.put(id, Boolean.TRUE) == null) {
        byKey
            .computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
            .add(id);
      }
    }
    return byKey;
  }

  static String header(ConsumerRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
