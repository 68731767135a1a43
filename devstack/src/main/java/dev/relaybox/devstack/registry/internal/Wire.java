package dev.relaybox.devstack.registry.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.relaybox.schemas.registry.CompatibilityLevel;
import dev.relaybox.schemas.registry.RegistryMode;
import java.util.List;
import java.util.Map;

/**
 * JSON bodies of the Confluent REST API and of the state file. Component order is the JSON field
 * order; empty and null fields are omitted by the mapper ({@code NON_EMPTY}), as Confluent does.
 */
final class Wire {
  private Wire() {}

  /** Body of register, lookup and compatibility requests; unknown fields are ignored. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record SchemaRequest(String schema, String schemaType, List<SchemaReference> references) {
    List<SchemaReference> referencesOrEmpty() {
      return references == null ? List.of() : references;
    }
  }

  /** A named type taken from another subject's version. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record SchemaReference(String name, String subject, int version) {}

  record IdResponse(int id) {}

  record SubjectSchema(
      String subject, int version, int id, List<SchemaReference> references, String schema) {}

  record SchemaString(String schema, List<SchemaReference> references) {}

  record SubjectVersion(String subject, int version) {}

  record CompatibilityResponse(
      @JsonProperty("is_compatible") boolean isCompatible, List<String> messages) {}

  record ConfigResponse(String compatibilityLevel) {}

  /** PUT /config body; the response echoes it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record ConfigUpdate(String compatibility) {}

  /** GET and PUT /mode body and answer. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record ModeBody(String mode) {}

  record ErrorBody(@JsonProperty("error_code") int errorCode, String message) {}

  /** A schema as stored: always AVRO, identified by its global id. */
  record StoredSchema(int id, String schema, List<SchemaReference> references) {}

  /** One version of a subject; {@code deleted} marks a soft delete. */
  record StoredVersion(int version, int id, boolean deleted) {}

  /**
   * The whole registry state, as written to the state file. The modes were added within format 1: a
   * file without them loads as READWRITE everywhere.
   */
  record State(
      int formatVersion,
      CompatibilityLevel globalCompatibility,
      List<StoredSchema> schemas,
      Map<String, List<StoredVersion>> subjects,
      Map<String, CompatibilityLevel> subjectCompatibility,
      RegistryMode globalMode,
      Map<String, RegistryMode> subjectModes) {}
}
