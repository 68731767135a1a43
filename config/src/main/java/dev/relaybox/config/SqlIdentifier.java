package dev.relaybox.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one rule for the SQL names Relaybox puts into statements (schemas, tables, slots,
 * publications): a lower-case identifier {@code [a-z_][a-z0-9_]*} of at most 63 characters (the
 * Postgres limit), so that quoting it is all it takes to splice it into SQL. Every module checks
 * its names here, so a name one module accepts is accepted by all.
 */
public final class SqlIdentifier {

  /** Postgres truncates identifiers longer than this. */
  public static final int MAX_LENGTH = 63;

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

  private SqlIdentifier() {}

  /**
   * Returns {@code value} if it is an identifier of at most {@link #MAX_LENGTH} characters.
   *
   * @throws NullPointerException naming {@code property} when null
   * @throws IllegalArgumentException naming {@code property} and the rule otherwise
   */
  public static String require(String property, String value) {
    return require(property, value, MAX_LENGTH);
  }

  /**
   * Returns {@code value} if it is an identifier of at most {@code maxLength} characters (less than
   * 63 where Relaybox appends a suffix, e.g. for a Flyway history table).
   *
   * @throws NullPointerException naming {@code property} when null
   * @throws IllegalArgumentException naming {@code property} and the rule otherwise
   */
  public static String require(String property, String value, int maxLength) {
    Objects.requireNonNull(value, () -> property + " must not be null");
    if (!IDENTIFIER.matcher(value).matches() || value.length() > maxLength) {
      throw new IllegalArgumentException(
          property + " must be " + describe(maxLength) + ", was '" + value + "'");
    }
    return value;
  }

  /**
   * Returns {@code value} if it is an identifier that may name a user schema: not starting with
   * {@code pg_}, which Postgres reserves for system schemas.
   *
   * @throws IllegalArgumentException naming {@code property} and the rule otherwise
   */
  public static String requireSchema(String property, String value) {
    require(property, value);
    if (value.startsWith("pg_")) {
      throw new IllegalArgumentException(
          property
              + " must not start with pg_, which Postgres reserves for system schemas, was '"
              + value
              + "'");
    }
    return value;
  }

  /** {@code "schema"."table"} after checking both names. */
  public static String qualified(String schema, String table) {
    return '"' + require("schema", schema) + "\".\"" + require("table", table) + '"';
  }

  static String describe(int maxLength) {
    return "a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most " + maxLength + " characters)";
  }
}
