package dev.relaybox.schemas.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One version of a subject as the registry stores it.
 *
 * @param subject the subject, never null
 * @param version the version within the subject, from 1
 * @param id the registry-wide schema id, the one written into the wire format
 * @param schema the Avro schema, never null
 */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {
  public RegisteredSchema {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
  }
}
