package dev.relaybox.schemas.registry;

import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One version of a subject as the registry stores it.
 *
 * @param subject the subject, never null
 * @param version the version within the subject, from 1
 * @param id the registry-wide schema id, the one written into the wire format
 * @param schema the Avro schema, its references resolved (the referenced types parsed in); never
 *     null
 * @param references the other subjects' types it uses; empty when none
 */
public record RegisteredSchema(
    String subject, int version, int id, Schema schema, List<SchemaReference> references) {
  public RegisteredSchema {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
    references = List.copyOf(references);
  }

  /** A version without references. */
  public RegisteredSchema(String subject, int version, int id, Schema schema) {
    this(subject, version, id, schema, List.of());
  }
}
