package dev.relaybox.relay.internal;

import dev.relaybox.relay.RelayConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A read_committed reader of the offsets topic that stays open and remembers the relay's last
 * position: each {@link #catchUp} reads only what was appended since the previous one. A standby
 * keeps one up to date, so at takeover the read after the fence is a short catch-up instead of a
 * read of the whole topic. Not thread-safe: one thread (the relay's supervisor) uses it.
 */
final class OffsetsTail implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(100);

  /**
   * The first read starts this many records before each partition's end: the relay's latest record
   * is almost always among them (one per committed batch), and the topic is only compacted when a
   * segment rolls, so reading it from its beginning grows with the relay's age. Without an own
   * record in the window the read starts over from the beginning.
   */
  static final long WINDOW = 1_000;

  private final String topic;
  private final OffsetCodec codec;
  private final Admin admin;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private List<TopicPartition> partitions;
  private byte[] last;
  private boolean found;
  private boolean primed;

  OffsetsTail(RelayConfig config, OffsetCodec codec, Duration timeout) {
    this.topic = config.get(RelaySettings.OFFSETS_TOPIC);
    this.codec = codec;
    this.admin = OffsetsTopic.admin(config, timeout);
    this.consumer = OffsetsTopic.consumer(config, timeout);
  }

  /**
   * Reads every record up to the end each partition has when this call begins (its high watermark:
   * records of a transaction still open are waited for, up to {@code timeout}) and returns the
   * relay's last committed position, or empty (first start, or offsets discarded).
   *
   * @throws TimeoutException if the end was not reached in time
   */
  Optional<Position> catchUp(Duration timeout) throws Exception {
    return read(timeout, false);
  }

  /**
   * Reads what is decided so far: up to each partition's last stable offset, never waiting for an
   * open transaction (a standby's pre-read must not wait for the active's transaction). What it
   * returns is not final; only {@link #catchUp} after the fence is.
   */
  void advance(Duration timeout) throws Exception {
    read(timeout, true);
  }

  private Optional<Position> read(Duration timeout, boolean stable) throws Exception {
    if (primed) {
      // a timed-out read leaves a consistent prefix read: the next one goes on from there
      return readOn(timeout, stable);
    }
    try {
      Optional<Position> position = readOn(timeout, stable);
      primed = true;
      return position;
    } catch (Exception | Error e) {
      // The first read stopped in its window or its fallback: start it over next time.
      partitions = null;
      found = false;
      last = null;
      throw e;
    }
  }

  private Optional<Position> readOn(Duration timeout, boolean stable) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean first = partitions == null;
    if (first) {
      partitions = new ArrayList<>();
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .get(topic)
          .partitions()
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
    }
    // read_committed, the consumer's end offsets are the last stable offsets
    Map<TopicPartition, Long> end =
        stable ? consumer.endOffsets(partitions, timeout) : highWatermarks(timeout);
    if (first) {
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
      partitions.forEach(tp -> consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - WINDOW)));
      readTo(end, deadline, timeout);
      if (!found) {
        consumer.seekToBeginning(partitions);
      }
    }
    readTo(end, deadline, timeout);
    return found ? Optional.ofNullable(codec.decode(last)) : Optional.empty();
  }

  private void readTo(Map<TopicPartition, Long> end, long deadline, Duration timeout)
      throws TimeoutException {
    while (!reachedEnd(end)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "could not read offsets topic "
                + topic
                + " to its end within "
                + timeout
                + ": a transaction on it stays open");
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
        if (codec.isOwnKey(r.key())) {
          last = r.value();
          found = true;
        }
      }
    }
  }

  private Map<TopicPartition, Long> highWatermarks(Duration timeout) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, Long> end = new HashMap<>();
    admin
        .listOffsets(request)
        .all()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .forEach((tp, info) -> end.put(tp, info.offset()));
    return end;
  }

  private boolean reachedEnd(Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
    admin.close(Duration.ofSeconds(5));
  }
}
