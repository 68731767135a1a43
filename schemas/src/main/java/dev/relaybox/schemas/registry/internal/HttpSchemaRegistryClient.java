package dev.relaybox.schemas.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaybox.schemas.registry.CompatibilityLevel;
import dev.relaybox.schemas.registry.CompatibilityResult;
import dev.relaybox.schemas.registry.RegisteredSchema;
import dev.relaybox.schemas.registry.RegistryMode;
import dev.relaybox.schemas.registry.SchemaReference;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;

/** {@link SchemaRegistryClient} over {@code java.net.http} and Jackson. Thread-safe. */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

  /** Validated settings from {@link SchemaRegistryClient.Builder}. */
  public record Settings(
      List<URI> urls,
      Duration connectTimeout,
      Duration requestTimeout,
      int maxRetries,
      Duration initialBackoff,
      Duration maxBackoff,
      String basicAuthUserInfo,
      SSLContext sslContext,
      int cacheCapacity) {

    @Override
    public String toString() {
      // The record's default toString would print the credentials.
      return "Settings[urls=" + urls + ", maxRetries=" + maxRetries + "]";
    }
  }

  private record SubjectSchema(
      String subject, String schema, List<SchemaReference> references, boolean normalize) {}

  private final Settings settings;
  private final RestTransport transport;
  private final BoundedCache<SubjectSchema, Integer> registeredIds;
  private final BoundedCache<SubjectSchema, RegisteredSchema> lookups;
  private final BoundedCache<Integer, Schema> schemasById;
  private final ReferenceResolver references;
  private final SettingCalls settingCalls;

  public HttpSchemaRegistryClient(Settings settings) {
    this.settings = settings;
    this.transport = new RestTransport(settings);
    this.settingCalls = new SettingCalls(transport);
    this.registeredIds = new BoundedCache<>(settings.cacheCapacity());
    this.lookups = new BoundedCache<>(settings.cacheCapacity());
    this.schemasById = new BoundedCache<>(settings.cacheCapacity());
    this.references =
        new ReferenceResolver(
            settings.cacheCapacity(),
            reference -> {
              String operation =
                  "resolve reference '"
                      + reference.name()
                      + "' to version "
                      + reference.version()
                      + " of subject '"
                      + reference.subject()
                      + "'";
              return ReferenceResolver.fetched(
                  operation, getVersion(operation, reference.subject(), reference.version() + ""));
            });
  }

  @Override
  public int register(String subject, Schema schema) {
    return register(subject, schema, List.of(), false);
  }

  @Override
  public int register(String subject, Schema schema, boolean normalize) {
    return register(subject, schema, List.of(), normalize);
  }

  @Override
  public int register(String subject, Schema schema, List<SchemaReference> references) {
    return register(subject, schema, references, false);
  }

  private int register(
      String subject, Schema schema, List<SchemaReference> refs, boolean normalize) {
    String operation =
        "register schema " + schema.getFullName() + " under subject '" + subject + "'";
    SubjectSchema key = key(subject, text(operation, schema, refs), refs, normalize);
    Integer cached = registeredIds.get(key);
    if (cached != null) {
      return cached;
    }
    JsonNode response =
        transport.send(
            operation,
            "POST",
            "/subjects/" + encode(subject) + "/versions?normalize=" + normalize,
            schemaBody(key.schema(), refs));
    int id = Responses.requiredInt(operation, response, "id");
    registeredIds.put(key, id);
    schemasById.computeIfAbsent(id, i -> schema);
    return id;
  }

  @Override
  public RegisteredSchema lookup(String subject, Schema schema, boolean normalize) {
    SubjectSchema key = key(subject, schema.toString(), List.of(), normalize);
    RegisteredSchema cached = lookups.get(key);
    if (cached != null) {
      return cached;
    }
    String operation =
        "look up schema " + schema.getFullName() + " under subject '" + subject + "'";
    JsonNode response =
        transport.send(
            operation,
            "POST",
            "/subjects/" + encode(subject) + "?normalize=" + normalize + "&deleted=false",
            schemaBody(key.schema(), List.of()));
    RegisteredSchema found = registered(operation, subject, response);
    lookups.put(key, found);
    return found;
  }

  @Override
  public Schema schemaById(int id) {
    return schemasById.computeIfAbsent(
        id,
        key -> {
          String operation = "get schema id " + id;
          JsonNode response = transport.send(operation, "GET", "/schemas/ids/" + id, null);
          return parse(operation, response);
        });
  }

  @Override
  public RegisteredSchema version(String subject, int version) {
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, was " + version);
    }
    return fetchVersion(subject, Integer.toString(version));
  }

  @Override
  public RegisteredSchema latestVersion(String subject) {
    return fetchVersion(subject, "latest");
  }

  private RegisteredSchema fetchVersion(String subject, String version) {
    String operation = "get version " + version + " of subject '" + subject + "'";
    return registered(operation, subject, getVersion(operation, subject, version));
  }

  private JsonNode getVersion(String operation, String subject, String version) {
    return transport.send(
        operation, "GET", "/subjects/" + encode(subject) + "/versions/" + version, null);
  }

  @Override
  public CompatibilityResult checkCompatibility(String subject, Schema schema) {
    return compatibility(subject, "latest", schema);
  }

  @Override
  public CompatibilityResult checkCompatibility(String subject, int version, Schema schema) {
    return compatibility(subject, Integer.toString(version), schema);
  }

  private CompatibilityResult compatibility(String subject, String version, Schema schema) {
    String operation =
        "check compatibility of "
            + schema.getFullName()
            + " with version "
            + version
            + " of subject '"
            + subject
            + "'";
    JsonNode response =
        transport.send(
            operation,
            "POST",
            "/compatibility/subjects/" + encode(subject) + "/versions/" + version + "?verbose=true",
            schemaBody(schema.toString(), List.of()));
    JsonNode compatible = response == null ? null : response.get("is_compatible");
    if (compatible == null || !compatible.isBoolean()) {
      throw Responses.malformed(operation, "no boolean 'is_compatible'");
    }
    List<String> messages = new ArrayList<>();
    response.path("messages").forEach(m -> messages.add(m.asText()));
    return new CompatibilityResult(compatible.asBoolean(), messages);
  }

  @Override
  public List<String> subjects() {
    String operation = "list subjects";
    List<String> subjects = new ArrayList<>();
    for (JsonNode subject :
        Responses.array(operation, transport.send(operation, "GET", "/subjects", null))) {
      subjects.add(subject.asText());
    }
    return List.copyOf(subjects);
  }

  @Override
  public List<Integer> versions(String subject) {
    String operation = "list versions of subject '" + subject + "'";
    return Responses.integers(
        operation,
        transport.send(operation, "GET", "/subjects/" + encode(subject) + "/versions", null));
  }

  @Override
  public List<Integer> deleteSubject(String subject, boolean permanent) {
    String operation = (permanent ? "permanently " : "") + "delete subject '" + subject + "'";
    List<Integer> deleted =
        Responses.integers(
            operation,
            transport.send(
                operation,
                "DELETE",
                "/subjects/" + encode(subject) + "?permanent=" + permanent,
                null));
    forget(subject);
    return deleted;
  }

  @Override
  public int deleteVersion(String subject, int version, boolean permanent) {
    String operation =
        (permanent ? "permanently " : "")
            + "delete version "
            + version
            + " of subject '"
            + subject
            + "'";
    JsonNode response =
        transport.send(
            operation,
            "DELETE",
            "/subjects/" + encode(subject) + "/versions/" + version + "?permanent=" + permanent,
            null);
    forget(subject);
    if (response == null || !response.canConvertToInt()) {
      throw Responses.malformed(operation, "expected the deleted version number");
    }
    return response.asInt();
  }

  /** A deleted version's schema may come back under a new version: its cached ids must go. */
  private void forget(String subject) {
    registeredIds.removeIf(key -> key.subject().equals(subject));
    lookups.removeIf(key -> key.subject().equals(subject));
  }

  @Override
  public CompatibilityLevel compatibility() {
    return settingCalls.global(
        "get global compatibility level",
        "/config",
        "compatibilityLevel",
        CompatibilityLevel::valueOf);
  }

  @Override
  public Optional<CompatibilityLevel> compatibility(String subject) {
    return settingCalls.subject(
        "get compatibility level of subject '" + subject + "'",
        "/config/" + encode(subject),
        "compatibilityLevel",
        CompatibilityLevel::valueOf);
  }

  @Override
  public CompatibilityLevel setCompatibility(CompatibilityLevel level) {
    return settingCalls.put(
        "set global compatibility level to " + level, "/config", "compatibility", level);
  }

  @Override
  public CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level) {
    return settingCalls.put(
        "set compatibility level of subject '" + subject + "' to " + level,
        "/config/" + encode(subject),
        "compatibility",
        level);
  }

  @Override
  public RegistryMode mode() {
    return settingCalls.global("get global mode", "/mode", "mode", RegistryMode::valueOf);
  }

  @Override
  public Optional<RegistryMode> mode(String subject) {
    return settingCalls.subject(
        "get mode of subject '" + subject + "'",
        "/mode/" + encode(subject),
        "mode",
        RegistryMode::valueOf);
  }

  @Override
  public RegistryMode setMode(RegistryMode mode) {
    return settingCalls.put("set global mode to " + mode, "/mode", "mode", mode);
  }

  @Override
  public RegistryMode setMode(String subject, RegistryMode mode) {
    return settingCalls.put(
        "set mode of subject '" + subject + "' to " + mode,
        "/mode/" + encode(subject),
        "mode",
        mode);
  }

  @Override
  public String toString() {
    return "SchemaRegistryClient[urls=" + settings.urls() + "]";
  }

  /** The schema's text as registered: without the named types its references define. */
  @SuppressWarnings("deprecation") // Avro 1.12 has no other printer that leaves types out
  private String text(String operation, Schema schema, List<SchemaReference> refs) {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(refs, "references");
    return refs.isEmpty()
        ? schema.toString()
        : schema.toString(references.referencedTypes(operation, refs), false);
  }

  private static SubjectSchema key(
      String subject, String text, List<SchemaReference> refs, boolean normalize) {
    Objects.requireNonNull(subject, "subject");
    return new SubjectSchema(subject, text, List.copyOf(refs), normalize);
  }

  private static ObjectNode schemaBody(String text, List<SchemaReference> refs) {
    ObjectNode body = RestTransport.json().createObjectNode().put("schema", text);
    if (!refs.isEmpty()) {
      ArrayNode array = body.putArray("references");
      for (SchemaReference r : refs) {
        array
            .addObject()
            .put("name", r.name())
            .put("subject", r.subject())
            .put("version", r.version());
      }
    }
    return body;
  }

  private RegisteredSchema registered(String operation, String subject, JsonNode response) {
    int id = Responses.requiredInt(operation, response, "id");
    int version = Responses.requiredInt(operation, response, "version");
    String returnedSubject = response.path("subject").asText(subject);
    return new RegisteredSchema(
        returnedSubject,
        version,
        id,
        parse(operation, response),
        Responses.references(operation, response));
  }

  /** The schema of a response, its references resolved. */
  private Schema parse(String operation, JsonNode response) {
    return references.parse(
        operation,
        Responses.schemaText(operation, response),
        Responses.references(operation, response));
  }

  private static String encode(String pathSegment) {
    return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
