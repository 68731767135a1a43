package dev.relaybox.runtime.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends dead letters back to the partition they were consumed from, with their original key, value,
 * timestamp and headers (the event id {@code id} included, so consumers deduplicate), without the
 * runner's diagnostic headers, and with {@link DlqRecord#REDRIVEN_FROM} naming the dead letter.
 *
 * <p>Repeat safety: before sending, {@link #plan} reads each original partition from the failed
 * record's offset onward and collects the {@link DlqRecord#REDRIVEN_FROM} markers already there; a
 * dead letter whose copy exists is skipped unless forced. The marker travels with the copy in the
 * same write, so there is no second store that could disagree with the topic.
 */
public final class DlqRedriver {
  private final Map<String, Object> client;
  private final Duration timeout;

  public DlqRedriver(Map<String, Object> client, Duration timeout) {
    this.client = Map.copyOf(client);
    this.timeout = timeout;
  }

  /** What a redrive will do. */
  public record Plan(
      List<DlqRecord> toSend, List<DlqRecord> alreadyRedriven, List<DlqRecord> withoutOrigin) {}

  /**
   * Splits the selected dead letters into those to send, those already redriven (unless {@code
   * force}) and those without the runner's origin headers (which cannot be redriven).
   *
   * @param progress called with the number of original-topic records read so far
   */
  public Plan plan(
      DlqReader reader, List<DlqRecord> selected, boolean force, LongConsumer progress) {
    List<DlqRecord> withoutOrigin = selected.stream().filter(r -> !r.hasOrigin()).toList();
    List<DlqRecord> candidates = selected.stream().filter(DlqRecord::hasOrigin).toList();
    for (String topic : candidates.stream().map(DlqRecord::originalTopic).distinct().toList()) {
      List<Integer> partitions = reader.partitions(topic);
      for (DlqRecord r : candidates) {
        if (r.originalTopic().equals(topic) && !partitions.contains(r.originalPartition())) {
          throw new IllegalArgumentException(
              "dead letter "
                  + r.position()
                  + " came from partition "
                  + r.originalPartition()
                  + " of topic '"
                  + topic
                  + "', which has only partitions "
                  + partitions
                  + "; recreate the topic with enough partitions first");
        }
      }
    }
    if (force) {
      return new Plan(candidates, List.of(), withoutOrigin);
    }
    Set<String> redriven = redrivenMarkers(reader, candidates, progress);
    Map<Boolean, List<DlqRecord>> split =
        candidates.stream()
            .collect(Collectors.partitioningBy(r -> redriven.contains(r.position())));
    return new Plan(split.get(false), split.get(true), withoutOrigin);
  }

  /**
   * Sends the records with an idempotent producer ({@code acks=all}) and waits for every
   * acknowledgement.
   *
   * @param progress called with the number of records acknowledged so far
   * @return the number of records sent
   * @throws IllegalStateException if a send fails; records acknowledged before stay sent, and a
   *     rerun skips them
   */
  public long send(List<DlqRecord> records, LongConsumer progress) {
    Map<String, Object> config = new HashMap<>(client);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "relaybox-dlq-redrive");
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
    config.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
    config.put(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
        (int) Math.max(timeout.toMillis(), 2 * Math.min(timeout.toMillis(), 30_000)));
    long sent = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> pending = new ArrayList<>();
      for (DlqRecord r : records) {
        pending.add(producer.send(copy(r)));
        if (pending.size() == 1_000) {
          sent += await(pending);
          progress.accept(sent);
        }
      }
      sent += await(pending);
      progress.accept(sent);
    }
    return sent;
  }

  private static ProducerRecord<byte[], byte[]> copy(DlqRecord r) {
    RecordHeaders headers = new RecordHeaders();
    r.originalHeaders().forEach(headers::add);
    headers.add(DlqRecord.REDRIVEN_FROM, r.position().getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(
        r.originalTopic(), r.originalPartition(), r.timestamp(), r.key(), r.value(), headers);
  }

  private static long await(List<Future<RecordMetadata>> pending) {
    try {
      for (Future<RecordMetadata> f : pending) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Kafka did not accept a redriven record: "
              + e.getCause().getMessage()
              + "; run the redrive again: records already sent are skipped",
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while redriving", e);
    }
    int n = pending.size();
    pending.clear();
    return n;
  }

  /**
   * The {@link DlqRecord#REDRIVEN_FROM} values on the original partitions, read from the lowest
   * original offset among the candidates of each partition (a copy is always written after the
   * record it copies), or from the log start when that offset is beyond the log's end (the topic
   * was deleted and created again, so its offsets restarted).
   */
  private static Set<String> redrivenMarkers(
      DlqReader reader, List<DlqRecord> candidates, LongConsumer progress) {
    Map<TopicPartition, Long> from = new LinkedHashMap<>();
    for (DlqRecord r : candidates) {
      from.merge(
          new TopicPartition(r.originalTopic(), r.originalPartition()),
          r.originalOffset() + 1,
          Math::min);
    }
    Set<String> markers = new HashSet<>();
    long[] read = {0};
    from.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(Comparator.comparing(TopicPartition::toString)))
        .forEach(
            e ->
                reader.readPartition(
                    e.getKey(),
                    e.getValue() > reader.endOffset(e.getKey()) ? -1 : e.getValue(),
                    record -> {
                      read[0]++;
                      String marker = record.header(DlqRecord.REDRIVEN_FROM);
                      if (marker != null) {
                        markers.add(marker);
                      }
                      return true;
                    },
                    () -> progress.accept(read[0])));
    return markers;
  }
}
