package dev.relaybox.schemas.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaybox.schemas.registry.MalformedRegistryResponseException;
import dev.relaybox.schemas.registry.SchemaReference;
import dev.relaybox.schemas.registry.SchemaRegistryException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Schema references as Confluent's Avro client handles them: to read a schema, the referenced
 * subject versions are fetched (recursively, each once) and parsed first into the same parser; to
 * register one, it is printed without the types they define.
 */
final class ReferenceResolver {

  /** A fetched subject version: its text and its own references. */
  record Fetched(String text, List<SchemaReference> references) {}

  /** Fetches one subject version ({@code GET /subjects/{subject}/versions/{version}}). */
  @FunctionalInterface
  interface Fetcher {
    Fetched fetch(SchemaReference reference);
  }

  private final BoundedCache<SchemaReference, Fetched> fetched;
  private final Fetcher fetcher;

  ReferenceResolver(int capacity, Fetcher fetcher) {
    this.fetched = new BoundedCache<>(capacity);
    this.fetcher = fetcher;
  }

  /** Parses {@code text} after the schemas its references name. */
  Schema parse(String operation, String text, List<SchemaReference> references) {
    Schema.Parser parser = new Schema.Parser();
    parseReferences(operation, parser, references, new HashSet<>());
    return parseText(operation, parser, text);
  }

  /**
   * The named types the references define (recursively), which a referencing schema must be printed
   * without.
   */
  Collection<Schema> referencedTypes(String operation, List<SchemaReference> references) {
    Schema.Parser parser = new Schema.Parser();
    parseReferences(operation, parser, references, new HashSet<>());
    Map<String, Schema> named = new LinkedHashMap<>();
    for (Schema type : parser.getTypes().values()) {
      collectNamed(type, named);
    }
    return new ArrayList<>(named.values());
  }

  private void parseReferences(
      String operation, Schema.Parser parser, List<SchemaReference> references, Set<String> done) {
    for (SchemaReference reference : references) {
      if (!done.add(reference.subject() + "\u0000" + reference.version())) {
        continue;
      }
      Fetched version = fetched.computeIfAbsent(reference, fetcher::fetch);
      parseReferences(operation, parser, version.references(), done);
      if (!parser.getTypes().containsKey(reference.name())) {
        parseText(operation, parser, version.text());
      }
    }
  }

  private static Schema parseText(String operation, Schema.Parser parser, String text) {
    try {
      return parser.parse(text);
    } catch (SchemaParseException | NullPointerException e) {
      // Avro 1.12 reports an unresolvable type name as a NullPointerException.
      throw new MalformedRegistryResponseException(
          operation
              + " failed: the registry returned an Avro schema that does not parse with its"
              + " references: "
              + e.getMessage(),
          200,
          SchemaRegistryException.JSON_PARSE_ERROR_CODE,
          e);
    }
  }

  private static void collectNamed(Schema schema, Map<String, Schema> named) {
    switch (schema.getType()) {
      case RECORD -> {
        if (named.putIfAbsent(schema.getFullName(), schema) == null) {
          schema.getFields().forEach(f -> collectNamed(f.schema(), named));
        }
      }
      case ENUM, FIXED -> named.putIfAbsent(schema.getFullName(), schema);
      case ARRAY -> collectNamed(schema.getElementType(), named);
      case MAP -> collectNamed(schema.getValueType(), named);
      case UNION -> schema.getTypes().forEach(t -> collectNamed(t, named));
      default -> {
        // primitives define no names
      }
    }
  }

  /** Parses the subject version a reference names from its registry response. */
  static Fetched fetched(String operation, JsonNode response) {
    return new Fetched(
        Responses.schemaText(operation, response), Responses.references(operation, response));
  }
}
