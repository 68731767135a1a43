package dev.relaybox.outbox.internal;

import dev.relaybox.config.SqlIdentifier;
import dev.relaybox.config.TopicPattern;
import dev.relaybox.outbox.CleanupMode;
import java.util.Objects;

/** The validated configuration of an outbox: every check names the builder property. */
public record OutboxSettings(
    String schema,
    String table,
    CleanupMode cleanupMode,
    int maxEventBytes,
    TopicPattern topicPattern) {

  /** The table leaves room for "_schema_history" within Postgres's 63 characters. */
  private static final int MAX_TABLE_LENGTH = 48;

  public OutboxSettings {
    SqlIdentifier.requireSchema("schema", schema);
    SqlIdentifier.require("table", table, MAX_TABLE_LENGTH);
    Objects.requireNonNull(cleanupMode, "cleanupMode must not be null");
    if (maxEventBytes <= 0) {
      throw new IllegalArgumentException("maxEventBytes must be positive, was " + maxEventBytes);
    }
    Objects.requireNonNull(topicPattern, "topicPattern must not be null");
    if (!topicPattern.hasPlaceholder()) {
      throw new IllegalArgumentException(
          "topicPattern '"
              + topicPattern
              + "' must contain "
              + TopicPattern.PLACEHOLDER
              + ": subjects are registered per aggregate type's topic");
    }
  }
}
