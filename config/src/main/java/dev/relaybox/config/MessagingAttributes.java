package dev.relaybox.config;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The OpenTelemetry messaging semantic-convention attribute keys the relay's publish spans and the
 * consumers' process spans carry (needs {@code opentelemetry-api}, an optional dependency here).
 * Written out rather than taken from the incubating semconv artifact, whose names may still move.
 */
public final class MessagingAttributes {
  /** {@code messaging.system}: always {@link #KAFKA}. */
  public static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");

  /** {@code messaging.destination.name}: the topic. */
  public static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");

  /** {@code messaging.destination.partition.id}: the partition, as a string. */
  public static final AttributeKey<String> PARTITION =
      AttributeKey.stringKey("messaging.destination.partition.id");

  /** {@code messaging.kafka.offset}. */
  public static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");

  /** {@code messaging.message.id}: the event id. */
  public static final AttributeKey<String> MESSAGE_ID =
      AttributeKey.stringKey("messaging.message.id");

  /** {@code messaging.consumer.group.name}. */
  public static final AttributeKey<String> CONSUMER_GROUP =
      AttributeKey.stringKey("messaging.consumer.group.name");

  /** {@code messaging.kafka.message.key}: the record key, UTF-8. */
  public static final AttributeKey<String> KEY =
      AttributeKey.stringKey("messaging.kafka.message.key");

  /** {@code messaging.operation.type}: {@link #PUBLISH} or {@link #PROCESS}. */
  public static final AttributeKey<String> OPERATION =
      AttributeKey.stringKey("messaging.operation.type");

  /** The value of {@link #SYSTEM}. */
  public static final String KAFKA = "kafka";

  /** The relay's {@link #OPERATION}. */
  public static final String PUBLISH = "publish";

  /** The consumers' {@link #OPERATION}. */
  public static final String PROCESS = "process";

  private MessagingAttributes() {}
}
