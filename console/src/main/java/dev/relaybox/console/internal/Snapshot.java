package dev.relaybox.console.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pipeline as one sample saw it: the relay's slot, the outbox and dead-letter topics, every
 * consumer group, every service's readiness, and what could not be read. Pages render the latest
 * snapshot, so they never wait on Kafka or a service. Immutable.
 */
public record Snapshot(
    Instant at,
    Slot slot,
    List<TopicStats> topics,
    List<TopicStats> deadLetterTopics,
    List<GroupStats> groups,
    List<ServiceStats> services,
    List<String> problems) {

  /** Before the first sample. */
  public static Snapshot empty() {
    return new Snapshot(
        Instant.EPOCH,
        null,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of("The console is reading the pipeline for the first time."));
  }

  /** The group named {@code name}, if this snapshot has it. */
  public Optional<GroupStats> group(String name) {
    return groups.stream().filter(g -> g.name().equals(name)).findFirst();
  }

  /** The outbox or dead-letter topic named {@code name}, if this snapshot has it. */
  public Optional<TopicStats> topic(String name) {
    return java.util.stream.Stream.concat(topics.stream(), deadLetterTopics.stream())
        .filter(t -> t.name().equals(name))
        .findFirst();
  }

  /** Outbox events published per second, over every outbox topic. */
  public double publishedPerSecond() {
    return topics.stream().mapToDouble(TopicStats::perSecond).sum();
  }

  /**
   * The relay's replication slot. {@code lagTime} is how long ago the WAL was where the slot is
   * confirmed ({@code atLeast}: longer than the console has watched); null when unknown.
   */
  public record Slot(
      String name,
      boolean exists,
      boolean active,
      long lagBytes,
      Duration lagTime,
      boolean lagTimeAtLeast) {}

  /** A topic: partitions, records held (end minus start offsets), records appended per second. */
  public record TopicStats(String name, int partitions, long records, long end, double perSecond) {}

  /**
   * A consumer group: its Kafka state and lag per topic, events consumed per second (committed
   * offsets), and from its database the parked keys, retrying and dead events (null where unknown)
   * and when it last processed an event; {@code offsets} are its committed offsets.
   */
  public record GroupStats(
      String name,
      String state,
      int members,
      Map<String, Long> lagByTopic,
      long committed,
      double perSecond,
      Long parkedKeys,
      Long retrying,
      Long dead,
      Instant lastProcessed,
      Boolean ready,
      Map<org.apache.kafka.common.TopicPartition, Long> offsets) {

    /** The lag over every topic. */
    public long lag() {
      return lagByTopic.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** A service's answer on {@code /ready} (null: not reachable) and what it said. */
  public record ServiceStats(String name, String url, Boolean ready, String detail) {}
}
