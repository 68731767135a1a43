package dev.relaybox.outbox.internal;

import dev.relaybox.outbox.CleanupMode;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.common.internals.Topic;

/** The validated configuration of an outbox: every check names the builder property. */
public record OutboxSettings(
    String schema, String table, CleanupMode cleanupMode, int maxEventBytes, String topicPattern) {

  /** The placeholder standing for the aggregate type in {@link #topicPattern}. */
  static final String AGGREGATE_TYPE_PLACEHOLDER = "${aggregatetype}";

  /** Postgres truncates names beyond 63 bytes; the table leaves room for "_schema_history". */
  private static final int MAX_SCHEMA_LENGTH = 63;

  private static final int MAX_TABLE_LENGTH = 48;

  /**
   * Only unquoted lower-case identifiers: they mean the same quoted or not (for Flyway, the SQL
   * here and the relay's table include list), and they cannot inject SQL.
   */
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

  public OutboxSettings {
    requireIdentifier("schema", schema, MAX_SCHEMA_LENGTH);
    if (schema.startsWith("pg_")) {
      throw new IllegalArgumentException(
          "schema '" + schema + "' starts with pg_, which Postgres reserves for system schemas");
    }
    requireIdentifier("table", table, MAX_TABLE_LENGTH);
    Objects.requireNonNull(cleanupMode, "cleanupMode must not be null");
    if (maxEventBytes <= 0) {
      throw new IllegalArgumentException("maxEventBytes must be positive, was " + maxEventBytes);
    }
    Objects.requireNonNull(topicPattern, "topicPattern must not be null");
    if (!topicPattern.contains(AGGREGATE_TYPE_PLACEHOLDER)
        || !Topic.isValid(topicPattern.replace(AGGREGATE_TYPE_PLACEHOLDER, "x"))) {
      throw new IllegalArgumentException(
          "topicPattern '"
              + topicPattern
              + "' must contain "
              + AGGREGATE_TYPE_PLACEHOLDER
              + " (the aggregate type) and otherwise only [a-zA-Z0-9._-]");
    }
  }

  private static void requireIdentifier(String property, String value, int maxLength) {
    Objects.requireNonNull(value, () -> property + " must not be null");
    if (!IDENTIFIER.matcher(value).matches() || value.length() > maxLength) {
      throw new IllegalArgumentException(
          property
              + " '"
              + value
              + "' is not a valid identifier: use lower-case letters, digits and '_', not"
              + " starting with a digit, at most "
              + maxLength
              + " characters");
    }
  }
}
