package dev.relaybox.devstack.registry.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.devstack.registry.internal.Wire.CompatibilityResponse;
import dev.relaybox.devstack.registry.internal.Wire.SchemaReference;
import dev.relaybox.devstack.registry.internal.Wire.SchemaRequest;
import dev.relaybox.devstack.registry.internal.Wire.State;
import dev.relaybox.devstack.registry.internal.Wire.StoredSchema;
import dev.relaybox.devstack.registry.internal.Wire.StoredVersion;
import dev.relaybox.devstack.registry.internal.Wire.SubjectSchema;
import dev.relaybox.devstack.registry.internal.Wire.SubjectVersion;
import dev.relaybox.schemas.registry.RegistryMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's state and operations. Every method is {@code synchronized}: a dev registry sees
 * few requests, and one lock makes each change and its write to disk atomic. Every change is saved
 * durably before the method returns; if saving fails, the state is reloaded from the file and the
 * caller gets a 50001 error, so memory never runs ahead of the disk.
 */
final class RegistryStore {
  /** The version number that stands for {@code latest}. */
  static final int LATEST = -1;

  private static final Logger log = LoggerFactory.getLogger(RegistryStore.class);

  private final StateFile stateFile;
  private final RegistrySettings settings = new RegistrySettings();
  private final TreeMap<Integer, StoredSchema> schemasById = new TreeMap<>();
  private final Map<String, Integer> idsByIdentity = new HashMap<>();
  private final Map<Integer, Schema> parsedById = new HashMap<>();
  private final TreeMap<String, List<StoredVersion>> subjects = new TreeMap<>();

  RegistryStore(Path directory, ObjectMapper mapper) throws IOException {
    this.stateFile = new StateFile(directory, mapper);
    apply(stateFile.load());
  }

  private void apply(State state) {
    settings.load(
        state.globalCompatibility(),
        state.subjectCompatibility(),
        state.globalMode(),
        state.subjectModes());
    schemasById.clear();
    idsByIdentity.clear();
    parsedById.clear();
    subjects.clear();
    // The mapper omits empty collections (NON_EMPTY, as on the wire), so any of them may be null.
    for (StoredSchema schema : orEmpty(state.schemas())) {
      StoredSchema normalized =
          new StoredSchema(
              schema.id(),
              schema.schema(),
              schema.references() == null ? List.of() : schema.references());
      schemasById.put(schema.id(), normalized);
      idsByIdentity.put(
          Versions.identity(normalized.schema(), normalized.references()), schema.id());
    }
    orEmpty(state.subjects())
        .forEach((subject, versions) -> subjects.put(subject, new ArrayList<>(versions)));
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }

  private void save() {
    State state =
        new State(
            StateFile.FORMAT_VERSION,
            settings.globalLevel(),
            List.copyOf(schemasById.values()),
            subjects,
            settings.subjectLevels(),
            settings.globalMode(),
            settings.subjectModes());
    try {
      stateFile.save(state);
    } catch (IOException e) {
      try {
        apply(stateFile.load());
      } catch (IOException reloadFailure) {
        e.addSuppressed(reloadFailure);
      }
      throw RegistryException.storeFailure(
          "could not write " + stateFile.path() + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- schemas and subjects

  /** Registers the schema under the subject, or returns the id it already has there. */
  synchronized int register(String subject, SchemaRequest request) {
    settings.requireWritable(subject);
    AvroSchemas.Parsed parsed = parse(request);
    List<SchemaReference> references = request.referencesOrEmpty();
    List<StoredVersion> versions = subjects.getOrDefault(subject, List.of());
    for (StoredVersion version : Versions.live(versions)) {
      if (sameSchema(version.id(), parsed.normalized(), references)) {
        return version.id();
      }
    }
    List<String> problems =
        AvroSchemas.check(settings.effectiveLevel(subject), parsed.schema(), previous(versions));
    if (!problems.isEmpty()) {
      throw RegistryException.incompatible(subject, problems);
    }
    String identity = Versions.identity(parsed.normalized(), references);
    Integer id = idsByIdentity.get(identity);
    if (id == null) {
      id = schemasById.isEmpty() ? 1 : schemasById.lastKey() + 1;
      schemasById.put(id, new StoredSchema(id, parsed.normalized(), List.copyOf(references)));
      idsByIdentity.put(identity, id);
      parsedById.put(id, parsed.schema());
    }
    // Numbers continue after soft-deleted versions, as in Confluent.
    int version = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
    subjects
        .computeIfAbsent(subject, s -> new ArrayList<>())
        .add(new StoredVersion(version, id, false));
    save();
    log.debug("Registered schema subject={} version={} id={}", subject, version, id);
    return id;
  }

  /** The live (or, with {@code includeDeleted}, any) version of the subject holding the schema. */
  synchronized SubjectSchema lookup(String subject, SchemaRequest request, boolean includeDeleted) {
    List<StoredVersion> versions = visibleOrThrow(subject, includeDeleted);
    AvroSchemas.Parsed parsed = parse(request);
    for (int i = versions.size() - 1; i >= 0; i--) {
      StoredVersion version = versions.get(i);
      if (sameSchema(version.id(), parsed.normalized(), request.referencesOrEmpty())) {
        return subjectSchema(subject, version);
      }
    }
    throw RegistryException.schemaNotFound();
  }

  synchronized StoredSchema schemaById(int id) {
    StoredSchema schema = schemasById.get(id);
    if (schema == null) {
      throw RegistryException.schemaNotFound(id);
    }
    return schema;
  }

  /** The live subject versions that use schema {@code id}. */
  synchronized List<SubjectVersion> versionsOfId(int id) {
    schemaById(id);
    List<SubjectVersion> result = new ArrayList<>();
    subjects.forEach(
        (subject, versions) ->
            Versions.live(versions).stream()
                .filter(v -> v.id() == id)
                .forEach(v -> result.add(new SubjectVersion(subject, v.version()))));
    return result;
  }

  synchronized List<String> subjects(String prefix, boolean deleted, boolean deletedOnly) {
    List<String> result = new ArrayList<>();
    subjects.forEach(
        (subject, versions) -> {
          if (subject.startsWith(prefix)
              && versions.stream().anyMatch(Versions.visibility(deleted, deletedOnly))) {
            result.add(subject);
          }
        });
    return result;
  }

  synchronized List<Integer> versions(String subject, boolean deleted, boolean deletedOnly) {
    List<StoredVersion> versions = subjects.get(subject);
    List<Integer> result =
        versions == null
            ? List.of()
            : versions.stream()
                .filter(Versions.visibility(deleted, deletedOnly))
                .map(StoredVersion::version)
                .toList();
    if (result.isEmpty() && !(deletedOnly && versions != null)) {
      throw RegistryException.subjectNotFound(subject);
    }
    return result;
  }

  synchronized SubjectSchema version(String subject, int version, boolean includeDeleted) {
    return subjectSchema(
        subject, Versions.find(subject, visibleOrThrow(subject, includeDeleted), version));
  }

  /**
   * Whether the schema is compatible with version {@code version} of the subject ({@code null}:
   * with every version the subject's level requires), under the subject's effective level.
   */
  synchronized CompatibilityResponse checkCompatibility(
      String subject, Integer version, SchemaRequest request, boolean verbose) {
    List<StoredVersion> versions = subjects.getOrDefault(subject, List.of());
    List<StoredVersion> against;
    if (version == null) {
      against = versions;
    } else if (version == LATEST) {
      List<StoredVersion> live = Versions.live(versions);
      against = live.isEmpty() ? List.of() : live.subList(live.size() - 1, live.size());
    } else {
      against = List.of(Versions.find(subject, Versions.live(versions), version));
    }
    AvroSchemas.Parsed parsed = parse(request);
    List<String> problems =
        AvroSchemas.check(settings.effectiveLevel(subject), parsed.schema(), previous(against));
    return new CompatibilityResponse(problems.isEmpty(), verbose ? problems : List.of());
  }

  // ---------------------------------------------------------------- deletes

  synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
    List<StoredVersion> versions = subjects.get(subject);
    if (versions == null) {
      throw RegistryException.subjectNotFound(subject);
    }
    settings.requireWritable(subject);
    List<StoredVersion> live = Versions.live(versions);
    List<Integer> deleted;
    if (permanent) {
      if (!live.isEmpty()) {
        throw RegistryException.subjectNotSoftDeleted(subject);
      }
      deleted = versions.stream().map(StoredVersion::version).toList();
      subjects.remove(subject);
      settings.forget(subject);
    } else {
      if (live.isEmpty()) {
        throw RegistryException.subjectSoftDeleted(subject);
      }
      deleted = live.stream().map(StoredVersion::version).toList();
      versions.replaceAll(v -> new StoredVersion(v.version(), v.id(), true));
    }
    save();
    log.debug("Deleted subject subject={} versions={} permanent={}", subject, deleted, permanent);
    return deleted;
  }

  synchronized int deleteVersion(String subject, int version, boolean permanent) {
    List<StoredVersion> versions = subjects.get(subject);
    if (versions == null) {
      throw RegistryException.subjectNotFound(subject);
    }
    settings.requireWritable(subject);
    // "latest" is the newest live version for a soft delete; an explicit number may name a
    // soft-deleted version, which a soft delete refuses with 40406 and a permanent one removes.
    StoredVersion target =
        Versions.find(
            subject, version == LATEST && !permanent ? Versions.live(versions) : versions, version);
    if (permanent) {
      if (!target.deleted()) {
        throw RegistryException.versionNotSoftDeleted(subject, target.version());
      }
      versions.remove(target);
      if (versions.isEmpty()) {
        subjects.remove(subject);
      }
    } else {
      if (target.deleted()) {
        throw RegistryException.versionSoftDeleted(subject, target.version());
      }
      versions.set(
          versions.indexOf(target), new StoredVersion(target.version(), target.id(), true));
    }
    save();
    log.debug(
        "Deleted version subject={} version={} id={} permanent={}",
        subject,
        target.version(),
        target.id(),
        permanent);
    return target.version();
  }

  // ---------------------------------------------------------------- compatibility and mode

  /** Reads the compatibility levels and modes under the lock. */
  synchronized <T> T settings(Function<RegistrySettings, T> read) {
    return read.apply(settings);
  }

  /** Changes the compatibility levels or modes under the lock and saves them. */
  synchronized <T> T changeSettings(Function<RegistrySettings, T> change) {
    T result = change.apply(settings);
    save();
    return result;
  }

  /** IMPORT needs an empty registry unless forced, as in Confluent. */
  synchronized void setGlobalMode(RegistryMode mode, boolean force) {
    if (mode == RegistryMode.IMPORT && !force && !subjects.isEmpty()) {
      throw RegistryException.importNeedsEmptyRegistry();
    }
    settings.globalMode(mode);
    save();
  }

  synchronized void setSubjectMode(String subject, RegistryMode mode, boolean force) {
    if (mode == RegistryMode.IMPORT && !force && subjects.containsKey(subject)) {
      throw RegistryException.importNeedsEmptyRegistry();
    }
    settings.subjectMode(subject, mode);
    save();
  }

  // ---------------------------------------------------------------- helpers (lock held)

  private AvroSchemas.Parsed parse(SchemaRequest request) {
    String type = request.schemaType();
    if (type != null && !type.equalsIgnoreCase("AVRO")) {
      throw RegistryException.invalidSchema(
          "schema type "
              + type.toUpperCase(Locale.ROOT)
              + " is not supported: the Relaybox dev registry stores AVRO schemas only");
    }
    return AvroSchemas.parse(request.schema(), request.referencesOrEmpty(), this::resolve);
  }

  private StoredSchema resolve(SchemaReference reference) {
    List<StoredVersion> versions = subjects.getOrDefault(reference.subject(), List.of());
    return versions.stream()
        .filter(v -> v.version() == reference.version())
        .findFirst()
        .or(
            () ->
                reference.version() == LATEST
                    ? Versions.live(versions).stream().reduce((a, b) -> b)
                    : Optional.empty())
        .map(v -> schemasById.get(v.id()))
        .orElseThrow(
            () ->
                RegistryException.invalidSchema(
                    "reference '"
                        + reference.name()
                        + "' names subject '"
                        + reference.subject()
                        + "' version "
                        + reference.version()
                        + ", which is not registered"));
  }

  private List<AvroSchemas.Previous> previous(List<StoredVersion> versions) {
    return Versions.live(versions).stream()
        .map(
            v ->
                new AvroSchemas.Previous(
                    v.version(), parsed(v.id()), schemasById.get(v.id()).schema()))
        .toList();
  }

  private Schema parsed(int id) {
    return parsedById.computeIfAbsent(
        id,
        key -> {
          StoredSchema stored = schemasById.get(key);
          return AvroSchemas.parse(stored.schema(), stored.references(), this::resolve).schema();
        });
  }

  private boolean sameSchema(int id, String normalized, List<SchemaReference> references) {
    StoredSchema stored = schemasById.get(id);
    return stored.schema().equals(normalized) && stored.references().equals(references);
  }

  private List<StoredVersion> visibleOrThrow(String subject, boolean includeDeleted) {
    List<StoredVersion> versions = subjects.getOrDefault(subject, List.of());
    List<StoredVersion> visible = includeDeleted ? versions : Versions.live(versions);
    if (visible.isEmpty()) {
      throw RegistryException.subjectNotFound(subject);
    }
    return visible;
  }

  private SubjectSchema subjectSchema(String subject, StoredVersion version) {
    StoredSchema schema = schemasById.get(version.id());
    return new SubjectSchema(
        subject, version.version(), version.id(), schema.references(), schema.schema());
  }
}
