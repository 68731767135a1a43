package dev.relaybox.schemas.registry;

import java.util.Objects;

/**
 * A named type a schema takes from another subject's version, as in Confluent's API: the schema
 * uses {@code name} (a record's full name) without defining it, and the registry and its clients
 * resolve it to {@code subject}'s {@code version}.
 *
 * @param name the full name of the referenced type, e.g. {@code com.example.Address}
 * @param subject the subject holding it, e.g. {@code com.example.Address}
 * @param version its version in that subject, from 1
 */
public record SchemaReference(String name, String subject, int version) {
  public SchemaReference {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(subject, "subject");
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, was " + version);
    }
  }
}
