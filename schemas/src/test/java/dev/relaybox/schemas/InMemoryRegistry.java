package dev.relaybox.schemas;

import dev.relaybox.schemas.registry.CompatibilityLevel;
import dev.relaybox.schemas.registry.CompatibilityResult;
import dev.relaybox.schemas.registry.RegisteredSchema;
import dev.relaybox.schemas.registry.RegistryMode;
import dev.relaybox.schemas.registry.SchemaNotFoundException;
import dev.relaybox.schemas.registry.SchemaReference;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A registry in memory for unit tests of the byte layout and the decoding errors (integration tests
 * use the real registry over HTTP). Ids start at a chosen value so tests can assert exact bytes.
 */
public final class InMemoryRegistry implements SchemaRegistryClient {

  private final Map<Integer, Schema> byId = new LinkedHashMap<>();
  private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();
  private int nextId;

  public InMemoryRegistry(int firstId) {
    this.nextId = firstId;
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    return register(subject, schema, false);
  }

  @Override
  public synchronized int register(String subject, Schema schema, boolean normalize) {
    int id =
        byId.entrySet().stream()
            .filter(e -> e.getValue().equals(schema))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseGet(
                () -> {
                  byId.put(nextId, schema);
                  return nextId++;
                });
    List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
    if (!versions.contains(id)) {
      versions.add(id);
    }
    return id;
  }

  @Override
  public synchronized RegisteredSchema lookup(String subject, Schema schema, boolean normalize) {
    List<Integer> versions = subjects.get(subject);
    if (versions == null) {
      throw new SchemaNotFoundException("Subject '" + subject + "' not found.", 404, 40401, null);
    }
    for (int i = 0; i < versions.size(); i++) {
      if (byId.get(versions.get(i)).equals(schema)) {
        return new RegisteredSchema(subject, i + 1, versions.get(i), schema);
      }
    }
    throw new SchemaNotFoundException("Schema not found", 404, 40403, null);
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = byId.get(id);
    if (schema == null) {
      throw new SchemaNotFoundException("Schema " + id + " not found", 404, 40403, null);
    }
    return schema;
  }

  @Override
  public synchronized RegisteredSchema version(String subject, int version) {
    List<Integer> versions = subjects.get(subject);
    if (versions == null) {
      throw new SchemaNotFoundException("Subject '" + subject + "' not found.", 404, 40401, null);
    }
    int id = versions.get(version - 1);
    return new RegisteredSchema(subject, version, id, byId.get(id));
  }

  @Override
  public synchronized RegisteredSchema latestVersion(String subject) {
    List<Integer> versions = subjects.get(subject);
    if (versions == null) {
      throw new SchemaNotFoundException("Subject '" + subject + "' not found.", 404, 40401, null);
    }
    return version(subject, versions.size());
  }

  @Override
  public CompatibilityResult checkCompatibility(String subject, Schema schema) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompatibilityResult checkCompatibility(String subject, int version, Schema schema) {
    throw new UnsupportedOperationException();
  }

  @Override
  public synchronized List<String> subjects() {
    return List.copyOf(subjects.keySet());
  }

  @Override
  public List<Integer> versions(String subject) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompatibilityLevel compatibility() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Optional<CompatibilityLevel> compatibility(String subject) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompatibilityLevel setCompatibility(CompatibilityLevel level) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level) {
    throw new UnsupportedOperationException();
  }

  @Override
  public int register(String subject, Schema schema, List<SchemaReference> references) {
    throw new UnsupportedOperationException();
  }

  @Override
  public RegistryMode mode() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Optional<RegistryMode> mode(String subject) {
    throw new UnsupportedOperationException();
  }

  @Override
  public RegistryMode setMode(RegistryMode mode) {
    throw new UnsupportedOperationException();
  }

  @Override
  public RegistryMode setMode(String subject, RegistryMode mode) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<Integer> deleteSubject(String subject, boolean permanent) {
    throw new UnsupportedOperationException();
  }

  @Override
  public int deleteVersion(String subject, int version, boolean permanent) {
    throw new UnsupportedOperationException();
  }
}
