package dev.relaybox.schemas.compat;

import dev.relaybox.schemas.registry.CompatibilityLevel;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * The compatibility rules of a {@link CompatibilityLevel}, with Avro's own reader/writer check: the
 * one definition behind the build's {@link CompatibilityGate} and the dev registry. Stateless.
 */
public final class Compatibility {

  private Compatibility() {}

  /**
   * One reason a schema pair is incompatible.
   *
   * @param version the earlier version's number (1-based position in the list given)
   * @param readerIsCandidate true when the candidate cannot read the earlier version (a backward
   *     violation), false when the earlier version cannot read the candidate (forward)
   * @param field the readable field path in the reader schema, e.g. {@code lines[].quantity}
   * @param incompatibility Avro's description: type, location and message
   */
  public record Violation(
      int version, boolean readerIsCandidate, String field, Incompatibility incompatibility) {

    /** Avro's rule name, e.g. {@code READER_FIELD_MISSING_DEFAULT_VALUE}. */
    public String rule() {
      return incompatibility.getType().name();
    }
  }

  /**
   * Checks {@code candidate} against the earlier versions {@code level} requires: the latest of
   * {@code earlier}, or all of them for a transitive level, newest first, stopping at the first
   * incompatible version (as the registry does).
   *
   * @param earlier the earlier versions, oldest first; version numbers are positions from 1
   * @return the violations against the first incompatible version; empty when compatible
   */
  public static List<Violation> check(
      CompatibilityLevel level, Schema candidate, List<Schema> earlier) {
    int from = level.transitive() || earlier.isEmpty() ? 0 : earlier.size() - 1;
    for (int i = earlier.size() - 1; i >= from; i--) {
      Schema old = earlier.get(i);
      List<Violation> violations = new ArrayList<>();
      if (level.backward()) {
        add(i + 1, true, candidate, old, violations);
      }
      if (level.forward()) {
        add(i + 1, false, old, candidate, violations);
      }
      if (!violations.isEmpty()) {
        return violations;
      }
    }
    return List.of();
  }

  private static void add(
      int version, boolean readerIsCandidate, Schema reader, Schema writer, List<Violation> out) {
    for (Incompatibility incompatibility :
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
            .getResult()
            .getIncompatibilities()) {
      out.add(
          new Violation(
              version, readerIsCandidate, FieldPath.of(reader, incompatibility), incompatibility));
    }
  }
}
