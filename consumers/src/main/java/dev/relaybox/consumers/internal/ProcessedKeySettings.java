package dev.relaybox.consumers.internal;

import dev.relaybox.config.SqlIdentifier;
import dev.relaybox.consumers.ConsumerRunner;
import java.time.Duration;

/**
 * The processed-keys table and its retention. The group's retry set and dead set live next to it,
 * named after it ({@link SetTables}); {@code retention} is null when keys are kept forever.
 */
public record ProcessedKeySettings(
    String schema,
    String table,
    boolean deduplicate,
    boolean migrateOnStart,
    Duration retention,
    Duration sweepInterval) {

  /**
   * The longest table name: the suffixes of the Flyway history table, the set tables and their
   * indexes are at most 15 characters, and Postgres names stop at 63.
   */
  public static final int MAX_TABLE_LENGTH = 48;

  public ProcessedKeySettings {
    requireNames(schema, table);
    requireRetention(retention, deduplicate);
    Checks.requirePositive(sweepInterval, "processedKeysSweepInterval");
  }

  /**
   * Checks the schema and the processed-keys table name as every user of the tables must.
   *
   * @throws IllegalArgumentException naming {@code processedKeysSchema} or {@code
   *     processedKeysTable}
   */
  static void requireNames(String schema, String table) {
    SqlIdentifier.requireSchema("processedKeysSchema", schema);
    SqlIdentifier.require("processedKeysTable", table, MAX_TABLE_LENGTH);
  }

  /** {@code "schema"."table"}, safe to splice into SQL because both are validated identifiers. */
  public String qualifiedTable() {
    return SqlIdentifier.qualified(schema, table);
  }

  private static void requireRetention(Duration retention, boolean deduplicate) {
    if (retention == null) {
      return;
    }
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException(
          "processedKeysRetention must be positive, was "
              + retention
              + "; leave it unset (null) to keep processed keys forever");
    }
    if (retention.compareTo(ConsumerRunner.MIN_PROCESSED_KEYS_RETENTION) < 0) {
      throw new IllegalArgumentException(
          "processedKeysRetention must be at least "
              + ConsumerRunner.MIN_PROCESSED_KEYS_RETENTION
              + ", was "
              + retention
              + ": a replay or dead-letter redrive of an event older than the retention finds no"
              + " processed key and applies its effect again. Keep it at least the topics'"
              + " retention.ms plus the longest dead-letter redrive window");
    }
    if (!deduplicate) {
      throw new IllegalArgumentException(
          "processedKeysRetention is set but deduplicate is false: no processed keys are"
              + " recorded, so there is nothing to sweep; remove one of the two settings");
    }
  }
}
