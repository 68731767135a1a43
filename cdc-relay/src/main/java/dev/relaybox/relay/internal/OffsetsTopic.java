package dev.relaybox.relay.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.relay.RelayConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The relay's offsets topic: created when missing (compacted, like Kafka Connect's), and read to
 * its end with {@code isolation.level=read_committed}, so a transaction the relay did not commit is
 * never taken for its position.
 */
final class OffsetsTopic {
  private static final Duration POLL = Duration.ofMillis(200);

  /** The admin client's default request timeout, kept for calls allowed at least as long. */
  private static final Duration ADMIN_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private OffsetsTopic() {}

  /** Creates the offsets topic unless it exists. */
  static void ensure(RelayConfig config, Duration timeout) throws Exception {
    String topic = config.get(RelaySettings.OFFSETS_TOPIC);
    try (Admin admin = admin(config, timeout)) {
      if (admin
          .listTopics()
          .names()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .contains(topic)) {
        return;
      }
      int rf = config.get(RelaySettings.OFFSETS_TOPIC_REPLICATION_FACTOR);
      NewTopic t =
          new NewTopic(
                  topic,
                  Optional.of(config.get(RelaySettings.OFFSETS_TOPIC_PARTITIONS)),
                  rf < 0 ? Optional.empty() : Optional.of((short) rf))
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      try {
        admin.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      awaitLeaders(admin, topic, timeout);
    }
  }

  /**
   * Waits until every partition of a topic just created answers a list-offsets request: creation
   * returns before the leaders know the partitions, and {@link #readCommitted} would fail with
   * {@code UnknownTopicOrPartitionException} meanwhile.
   */
  private static void awaitLeaders(Admin admin, String topic, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .get(topic)
            .partitions()
            .forEach(
                p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        admin.listOffsets(request).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(POLL.toMillis());
      }
    }
  }

  /**
   * The last position the relay committed, or empty (first start, or offsets discarded). Reads
   * every record up to the end each partition had when the read began; records of a transaction
   * still open (another relay sharing the topic) are waited for, up to {@code timeout}.
   *
   * @throws java.util.concurrent.TimeoutException if the end was not reached in time
   */
  static Optional<Position> readCommitted(RelayConfig config, OffsetCodec codec, Duration timeout)
      throws Exception {
    try (OffsetsTail tail = new OffsetsTail(config, codec, timeout)) {
      return tail.catchUp(timeout);
    }
  }

  static Admin admin(RelayConfig config, Duration timeout) {
    Map<String, Object> p = new HashMap<>();
    p.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        config.get(CommonSettings.KAFKA_BOOTSTRAP_SERVERS));
    p.putAll(EngineProperties.clientSecurity(config));
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, config.name() + "-offsets-admin");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    // The admin client refuses an API timeout below its request timeout (30 s by default): the
    // standby's 2 s pre-read of the position would never start.
    p.put(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
        (int) Math.min(timeout.toMillis(), ADMIN_REQUEST_TIMEOUT.toMillis()));
    return Admin.create(p);
  }

  static KafkaConsumer<byte[], byte[]> consumer(RelayConfig config, Duration timeout) {
    Map<String, Object> p = new HashMap<>();
    p.put(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        config.get(CommonSettings.KAFKA_BOOTSTRAP_SERVERS));
    p.putAll(EngineProperties.clientSecurity(config));
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.name() + "-offsets-reader");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
