package dev.relaybox.schemas.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaybox.schemas.registry.CompatibilityLevel;
import dev.relaybox.schemas.registry.CompatibilityResult;
import dev.relaybox.schemas.registry.MalformedRegistryResponseException;
import dev.relaybox.schemas.registry.RegisteredSchema;
import dev.relaybox.schemas.registry.SchemaNotFoundException;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import dev.relaybox.schemas.registry.SchemaRegistryException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

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
      SSLContext sslContext) {

    @Override
    public String toString() {
      // The record's default toString would print the credentials.
      return "Settings[urls=" + urls + ", maxRetries=" + maxRetries + "]";
    }
  }

  private record SubjectSchema(String subject, String schema, boolean normalize) {}

  private final Settings settings;
  private final RestTransport transport;
  private final ConcurrentMap<SubjectSchema, Integer> registeredIds = new ConcurrentHashMap<>();
  private final ConcurrentMap<SubjectSchema, RegisteredSchema> lookups = new ConcurrentHashMap<>();
  private final ConcurrentMap<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  public HttpSchemaRegistryClient(Settings settings) {
    this.settings = settings;
    this.transport = new RestTransport(settings);
  }

  @Override
  public int register(String subject, Schema schema) {
    return register(subject, schema, false);
  }

  @Override
  public int register(String subject, Schema schema, boolean normalize) {
    SubjectSchema key = key(subject, schema, normalize);
    Integer cached = registeredIds.get(key);
    if (cached != null) {
      return cached;
    }
    String operation =
        "register schema " + schema.getFullName() + " under subject '" + subject + "'";
    JsonNode response =
        transport.send(
            operation,
            "POST",
            "/subjects/" + encode(subject) + "/versions?normalize=" + normalize,
            schemaBody(schema));
    int id = requiredInt(operation, response, "id");
    registeredIds.put(key, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  @Override
  public RegisteredSchema lookup(String subject, Schema schema, boolean normalize) {
    SubjectSchema key = key(subject, schema, normalize);
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
            schemaBody(schema));
    RegisteredSchema found = registered(operation, subject, response);
    lookups.put(key, found);
    return found;
  }

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    String operation = "get schema id " + id;
    JsonNode response = transport.send(operation, "GET", "/schemas/ids/" + id, null);
    Schema schema = parseSchema(operation, response);
    Schema previous = schemasById.putIfAbsent(id, schema);
    return previous != null ? previous : schema;
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
    JsonNode response =
        transport.send(
            operation, "GET", "/subjects/" + encode(subject) + "/versions/" + version, null);
    return registered(operation, subject, response);
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
            schemaBody(schema));
    JsonNode compatible = response == null ? null : response.get("is_compatible");
    if (compatible == null || !compatible.isBoolean()) {
      throw malformed(operation, "no boolean 'is_compatible'");
    }
    List<String> messages = new ArrayList<>();
    response.path("messages").forEach(m -> messages.add(m.asText()));
    return new CompatibilityResult(compatible.asBoolean(), messages);
  }

  @Override
  public List<String> subjects() {
    String operation = "list subjects";
    List<String> subjects = new ArrayList<>();
    for (JsonNode subject : array(operation, transport.send(operation, "GET", "/subjects", null))) {
      subjects.add(subject.asText());
    }
    return List.copyOf(subjects);
  }

  @Override
  public List<Integer> versions(String subject) {
    String operation = "list versions of subject '" + subject + "'";
    JsonNode response =
        transport.send(operation, "GET", "/subjects/" + encode(subject) + "/versions", null);
    List<Integer> versions = new ArrayList<>();
    for (JsonNode version : array(operation, response)) {
      if (!version.canConvertToInt()) {
        throw malformed(operation, "version " + version + " is not an integer");
      }
      versions.add(version.asInt());
    }
    return List.copyOf(versions);
  }

  @Override
  public CompatibilityLevel compatibility() {
    String operation = "get global compatibility level";
    return level(
        operation, transport.send(operation, "GET", "/config", null), "compatibilityLevel");
  }

  @Override
  public Optional<CompatibilityLevel> compatibility(String subject) {
    String operation = "get compatibility level of subject '" + subject + "'";
    try {
      JsonNode response = transport.send(operation, "GET", "/config/" + encode(subject), null);
      return Optional.of(level(operation, response, "compatibilityLevel"));
    } catch (SchemaNotFoundException e) {
      if (e.errorCode() == 40408 || e.errorCode() == 40401) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public CompatibilityLevel setCompatibility(CompatibilityLevel level) {
    return putConfig("set global compatibility level to " + level, "/config", level);
  }

  @Override
  public CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level) {
    return putConfig(
        "set compatibility level of subject '" + subject + "' to " + level,
        "/config/" + encode(subject),
        level);
  }

  private CompatibilityLevel putConfig(String operation, String path, CompatibilityLevel level) {
    Objects.requireNonNull(level, "level");
    ObjectNode body = RestTransport.json().createObjectNode().put("compatibility", level.name());
    return level(operation, transport.send(operation, "PUT", path, body), "compatibility");
  }

  @Override
  public String toString() {
    return "SchemaRegistryClient[urls=" + settings.urls() + "]";
  }

  private static SubjectSchema key(String subject, Schema schema, boolean normalize) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
    return new SubjectSchema(subject, schema.toString(), normalize);
  }

  private static ObjectNode schemaBody(Schema schema) {
    return RestTransport.json().createObjectNode().put("schema", schema.toString());
  }

  private static RegisteredSchema registered(String operation, String subject, JsonNode response) {
    int id = requiredInt(operation, response, "id");
    int version = requiredInt(operation, response, "version");
    String returnedSubject = response.path("subject").asText(subject);
    return new RegisteredSchema(returnedSubject, version, id, parseSchema(operation, response));
  }

  private static int requiredInt(String operation, JsonNode response, String field) {
    JsonNode value = response == null ? null : response.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw malformed(operation, "no integer '" + field + "'");
    }
    return value.asInt();
  }

  private static Schema parseSchema(String operation, JsonNode response) {
    JsonNode schema = response == null ? null : response.get("schema");
    if (schema == null || !schema.isTextual()) {
      throw malformed(operation, "no string 'schema'");
    }
    String type = response.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw new SchemaRegistryException(
          operation + " failed: the registry holds a " + type + " schema; only Avro is supported",
          200,
          SchemaRegistryException.JSON_PARSE_ERROR_CODE,
          null);
    }
    try {
      return new Schema.Parser().parse(schema.asText());
    } catch (SchemaParseException e) {
      throw new MalformedRegistryResponseException(
          operation + " failed: the registry returned an invalid Avro schema: " + e.getMessage(),
          200,
          SchemaRegistryException.JSON_PARSE_ERROR_CODE,
          e);
    }
  }

  private static JsonNode array(String operation, JsonNode response) {
    if (response == null || !response.isArray()) {
      throw malformed(operation, "expected a JSON array");
    }
    return response;
  }

  private static CompatibilityLevel level(String operation, JsonNode response, String field) {
    String value = response == null ? null : response.path(field).asText(null);
    try {
      return CompatibilityLevel.valueOf(Objects.requireNonNull(value));
    } catch (RuntimeException e) {
      throw malformed(operation, "'" + field + "' is " + value + ", not a compatibility level");
    }
  }

  private static MalformedRegistryResponseException malformed(String operation, String problem) {
    return new MalformedRegistryResponseException(
        operation + " failed: unexpected registry response: " + problem,
        200,
        SchemaRegistryException.JSON_PARSE_ERROR_CODE,
        null);
  }

  private static String encode(String pathSegment) {
    return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
