package dev.relaybox.devstack.registry.internal;

import dev.relaybox.devstack.registry.internal.Wire.SchemaReference;
import dev.relaybox.devstack.registry.internal.Wire.StoredSchema;
import dev.relaybox.schemas.compat.Compatibility;
import dev.relaybox.schemas.registry.CompatibilityLevel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/** Parsing, normalising and compatibility checking of Avro schemas, with Avro's own code. */
final class AvroSchemas {
  private AvroSchemas() {}

  /** A parsed schema and its normalised JSON, the text that identifies and is served. */
  record Parsed(Schema schema, String normalized) {}

  /** A live earlier version of a subject, as needed for the compatibility messages. */
  record Previous(int version, Schema schema, String text) {}

  /**
   * Parses {@code text} after the schemas its references name (recursively), so it may use their
   * named types. The normalised form is Avro's compact JSON ({@link Schema#toString()}), which is
   * what Confluent stores and serves: whitespace and key order do not matter, while docs, defaults
   * and aliases still do. Referenced types are not inlined.
   *
   * @throws RegistryException 42201 if the schema or a referenced one is not valid Avro
   */
  @SuppressWarnings("deprecation") // Schema.toString(Collection, boolean): see below
  static Parsed parse(
      String text,
      List<SchemaReference> references,
      Function<SchemaReference, StoredSchema> resolver) {
    if (text == null || text.isBlank()) {
      throw RegistryException.invalidSchema("the request has no \"schema\" or it is empty");
    }
    Schema.Parser parser = new Schema.Parser();
    List<Schema> referenced = new ArrayList<>();
    parseReferences(parser, references, resolver, new HashSet<>(), referenced);
    Schema schema;
    try {
      schema = parser.parse(text);
    } catch (RuntimeException e) {
      throw RegistryException.invalidSchema(reason(e));
    }
    // Avro 1.12 deprecates the only printer that leaves out types defined elsewhere, without a
    // replacement; Confluent prints referencing schemas the same way.
    String normalized =
        referenced.isEmpty() ? schema.toString() : schema.toString(referenced, false);
    return new Parsed(schema, normalized);
  }

  private static void parseReferences(
      Schema.Parser parser,
      List<SchemaReference> references,
      Function<SchemaReference, StoredSchema> resolver,
      Set<Integer> parsedIds,
      List<Schema> referenced) {
    for (SchemaReference reference : references) {
      StoredSchema stored = resolver.apply(reference);
      if (!parsedIds.add(stored.id())) {
        continue;
      }
      parseReferences(parser, stored.references(), resolver, parsedIds, referenced);
      try {
        referenced.add(parser.parse(stored.schema()));
      } catch (RuntimeException e) {
        throw RegistryException.invalidSchema(
            "referenced schema '" + reference.name() + "' does not parse: " + reason(e));
      }
    }
  }

  /**
   * Avro 1.12 reports a type name it cannot resolve as a NullPointerException naming an internal
   * placeholder class; say what it means instead.
   */
  private static String reason(RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    return message.contains("UnresolvedSchema")
        ? "it uses a type name that is neither an Avro type nor defined in the schema or its"
            + " references"
        : message;
  }

  /**
   * Checks {@code candidate} against the earlier versions {@code level} requires (the last of
   * {@code previous}, or all for a transitive level), newest first, and describes the first
   * incompatible one the way Confluent does: one {@code {errorType:.., description:..,
   * additionalInfo:..}} per Avro incompatibility, then the old version, the old schema and the
   * level.
   *
   * @param previous live earlier versions, oldest first
   * @return empty when compatible
   */
  static List<String> check(CompatibilityLevel level, Schema candidate, List<Previous> previous) {
    List<Compatibility.Violation> violations =
        Compatibility.check(level, candidate, previous.stream().map(Previous::schema).toList());
    if (violations.isEmpty()) {
      return List.of();
    }
    List<String> messages = new ArrayList<>();
    for (Compatibility.Violation v : violations) {
      Incompatibility incompatibility = v.incompatibility();
      String reader = v.readerIsCandidate() ? "new" : "old";
      String writer = v.readerIsCandidate() ? "old" : "new";
      messages.add(
          "{errorType:'"
              + incompatibility.getType()
              + "', description:'"
              + description(incompatibility, reader, writer)
              + "', additionalInfo:'"
              + incompatibility.getMessage()
              + "'}");
    }
    Previous old = previous.get(violations.get(0).version() - 1);
    messages.add("{oldSchemaVersion: " + old.version() + "}");
    messages.add("{oldSchema: '" + old.text() + "'}");
    messages.add("{validateFields: 'false', compatibility: '" + level + "'}");
    return messages;
  }

  private static String description(Incompatibility incompatibility, String reader, String writer) {
    String path = incompatibility.getLocation();
    switch (incompatibility.getType()) {
      case READER_FIELD_MISSING_DEFAULT_VALUE:
        return "The field '"
            + incompatibility.getMessage()
            + "' at path '"
            + path
            + "' in the "
            + reader
            + " schema has no default value and is missing in the "
            + writer
            + " schema";
      case TYPE_MISMATCH:
        return "The type (path '"
            + path
            + "') of a field in the "
            + reader
            + " schema does not match with the "
            + writer
            + " schema";
      case NAME_MISMATCH:
        return "The name of the type at path '"
            + path
            + "' in the "
            + reader
            + " schema does not match the "
            + writer
            + " schema";
      case FIXED_SIZE_MISMATCH:
        return "The size of the fixed type at path '"
            + path
            + "' in the "
            + reader
            + " schema does not match the "
            + writer
            + " schema";
      case MISSING_ENUM_SYMBOLS:
        return "The enum at path '"
            + path
            + "' in the "
            + reader
            + " schema lacks symbols of the "
            + writer
            + " schema and has no default symbol";
      case MISSING_UNION_BRANCH:
        return "The union at path '"
            + path
            + "' in the "
            + reader
            + " schema lacks a type the "
            + writer
            + " schema can write";
      default:
        return "The "
            + reader
            + " schema cannot read the "
            + writer
            + " schema at path '"
            + path
            + "'";
    }
  }
}
