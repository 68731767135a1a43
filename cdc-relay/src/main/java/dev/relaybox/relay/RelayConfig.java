package dev.relaybox.relay;

import static dev.relaybox.relay.internal.RelaySettings.PRODUCER_PREFIX;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.config.ServiceConfig;
import dev.relaybox.config.ServiceProperties;
import dev.relaybox.config.Settings;
import dev.relaybox.relay.internal.RelaySettings;
import dev.relaybox.relay.internal.Shard;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Immutable configuration of a {@link Relay}: where the outbox lives, where events go, how offsets
 * are stored. Every setting is a string property, listed with its default in {@code
 * cdc-relay/README.md} (the table is generated from {@link #settings()}); {@link Builder#build()}
 * validates every value and names the bad property. Properties starting with {@code
 * kafka.producer.} go to the Kafka producer, those starting with {@code debezium.} to the engine.
 * Thread-safe; {@link #toString()} never shows the password.
 */
public final class RelayConfig extends ServiceConfig {

  private RelayConfig(ServiceProperties values) {
    super(RelaySettings.ALL, values);
  }

  /** A builder holding every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder with the defaults, then every entry of {@code properties}. */
  public static Builder fromProperties(Properties properties) {
    return new Builder().setAll(properties);
  }

  /** The relay's documented settings. */
  public static Settings settings() {
    return RelaySettings.ALL;
  }

  /**
   * The relay name: engine name, offset namespace, lease and transactional id; {@code relay.name}
   * plus {@code -shard-<i>-of-<n>} when {@code shard.count} is above 1.
   */
  public String name() {
    return get(RelaySettings.NAME) + Shard.of(this).nameSuffix();
  }

  /** The replication slot the relay reads ({@code slot.name}, plus {@code _shard_<i>_of_<n>}). */
  public String slotName() {
    return get(CommonSettings.SLOT_NAME) + Shard.of(this).identifierSuffix();
  }

  /** The relay's publication ({@code publication.name}, plus {@code _shard_<i>_of_<n>}). */
  public String publicationName() {
    return get(RelaySettings.PUBLICATION_NAME) + Shard.of(this).identifierSuffix();
  }

  /**
   * Whether records carry their transaction's commit time instead of the row's {@code created_at}
   * ({@code record.timestamp=commit}): the publication then leaves {@code created_at} out.
   */
  public boolean commitTimestamps() {
    return get(RelaySettings.RECORD_TIMESTAMP).equals(RelaySettings.COMMIT_TIMESTAMP);
  }

  /** Whether the relay publishes in Kafka transactions ({@code delivery.guarantee}). */
  public boolean exactlyOnce() {
    return get(RelaySettings.DELIVERY_GUARANTEE).equals(RelaySettings.EXACTLY_ONCE);
  }

  /**
   * The producer's {@code transactional.id}: {@code relaybox.<name()>} unless {@code
   * kafka.producer.transactional.id} overrides it (e.g. to match an ACL prefix); a sharded relay
   * appends its shard suffix to the override too, so shards never fence each other.
   */
  public String transactionalId() {
    String override = withPrefix(PRODUCER_PREFIX).get("transactional.id");
    return override != null ? override + Shard.of(this).nameSuffix() : "relaybox." + name();
  }

  /** Collects properties; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder extends ServiceConfig.Builder<Builder> {

    private Builder() {
      super(RelaySettings.ALL);
    }

    /** Postgres address and credentials. Default host {@code localhost:5432}. */
    public Builder postgres(String host, int port, String database, String user, String password) {
      return set(CommonSettings.PG_HOST, host)
          .set(CommonSettings.PG_PORT, Integer.toString(port))
          .set(CommonSettings.PG_DATABASE, database)
          .set(CommonSettings.PG_USER, user)
          .set(CommonSettings.PG_PASSWORD, password);
    }

    /** The outbox table. Default {@code public.outbox}. */
    public Builder outboxTable(String schema, String table) {
      return set(CommonSettings.OUTBOX_SCHEMA, schema).set(CommonSettings.OUTBOX_TABLE, table);
    }

    /** Replication slot and publication names. Default {@code relaybox_outbox} for both. */
    public Builder slotAndPublication(String slotName, String publicationName) {
      return set(CommonSettings.SLOT_NAME, slotName)
          .set(RelaySettings.PUBLICATION_NAME, publicationName);
    }

    /** Kafka bootstrap servers (required). */
    public Builder kafkaBootstrapServers(String bootstrapServers) {
      return set(CommonSettings.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    }

    /** Default {@code outbox.event.${aggregatetype}}. */
    public Builder topicPattern(String pattern) {
      return set(CommonSettings.TOPIC_PATTERN, pattern);
    }

    /** Stores offsets in this Kafka topic (the default, topic {@code relaybox.relay.offsets}). */
    public Builder offsetsTopic(String topic) {
      return set(RelaySettings.OFFSETS_STORAGE, "kafka").set(RelaySettings.OFFSETS_TOPIC, topic);
    }

    /** Stores offsets in this local file instead of Kafka. */
    public Builder offsetsFile(Path file) {
      return set(RelaySettings.OFFSETS_STORAGE, "file")
          .set(RelaySettings.OFFSETS_FILE, file.toString());
    }

    /** Relay name (default {@code relaybox-relay}); one name per slot. */
    public Builder name(String name) {
      return set(RelaySettings.NAME, name);
    }

    /**
     * Validates every property: unknown keys first (with the nearest documented ones), then each
     * value, then the rules between values.
     *
     * @throws IllegalArgumentException naming the first bad property and what is expected
     */
    public RelayConfig build() {
      RelayConfig config = new RelayConfig(properties());
      checkShard(config);
      if (config.get(RelaySettings.OFFSETS_STORAGE).equals("file")
          && config.get(RelaySettings.OFFSETS_FILE) == null) {
        throw bad(RelaySettings.OFFSETS_FILE.key(), "is required when offsets.storage=file");
      }
      if (config.get(RelaySettings.MAX_QUEUE_SIZE) <= config.get(RelaySettings.MAX_BATCH_SIZE)) {
        throw bad(RelaySettings.MAX_QUEUE_SIZE.key(), "must be greater than max.batch.size");
      }
      String acks = config.withPrefix(PRODUCER_PREFIX).get("acks");
      if (acks != null && !acks.equals("all") && !acks.equals("-1")) {
        throw bad(PRODUCER_PREFIX + "acks", "must be all: the relay never loses an event");
      }
      boolean kafkaOffsets = config.get(RelaySettings.OFFSETS_STORAGE).equals("kafka");
      if (config.exactlyOnce() && !kafkaOffsets) {
        throw bad(
            RelaySettings.OFFSETS_STORAGE.key(),
            "must be kafka with delivery.guarantee=exactly-once: the offsets are written in the"
                + " same Kafka transaction as the events (or set delivery.guarantee=at-least-once)");
      }
      if (config.exactlyOnce()) {
        for (String key : config.withPrefix(RelaySettings.DEBEZIUM_PREFIX).keySet()) {
          if (RelaySettings.fixedForExactlyOnce(key)) {
            throw bad(
                RelaySettings.DEBEZIUM_PREFIX + key,
                "cannot be overridden with delivery.guarantee=exactly-once: the relay confirms"
                    + " the slot and stores offsets itself");
          }
        }
      }
      if (!config.exactlyOnce()
          && config.withPrefix(PRODUCER_PREFIX).containsKey("transactional.id")) {
        throw bad(
            PRODUCER_PREFIX + "transactional.id",
            "is only used with delivery.guarantee=exactly-once");
      }
      if ("false".equals(config.withPrefix(PRODUCER_PREFIX).get("enable.idempotence"))) {
        throw bad(
            PRODUCER_PREFIX + "enable.idempotence",
            "must stay true: retries must not reorder or duplicate records");
      }
      return config;
    }

    private static void checkShard(RelayConfig config) {
      int count = config.get(RelaySettings.SHARD_COUNT);
      int index = config.get(RelaySettings.SHARD_INDEX);
      if (index >= count) {
        throw bad(
            RelaySettings.SHARD_INDEX.key(),
            "is "
                + index
                + " but must be below shard.count ("
                + count
                + "): the shards of "
                + count
                + " are numbered 0 to "
                + (count - 1));
      }
      String suffix = Shard.of(config).identifierSuffix();
      for (var setting :
          java.util.List.of(CommonSettings.SLOT_NAME, RelaySettings.PUBLICATION_NAME)) {
        if (config.get(setting).length() + suffix.length() > 63) {
          throw bad(
              setting.key(),
              "is too long for a shard: with the suffix "
                  + suffix
                  + " it exceeds Postgres's 63 characters; choose a shorter one");
        }
      }
    }

    private static IllegalArgumentException bad(String key, String problem) {
      return new IllegalArgumentException("relay: property '" + key + "' " + problem);
    }
  }
}
