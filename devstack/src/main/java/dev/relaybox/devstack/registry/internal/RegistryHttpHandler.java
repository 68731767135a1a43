package dev.relaybox.devstack.registry.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.relaybox.devstack.registry.internal.Wire.ConfigResponse;
import dev.relaybox.devstack.registry.internal.Wire.ConfigUpdate;
import dev.relaybox.devstack.registry.internal.Wire.ErrorBody;
import dev.relaybox.devstack.registry.internal.Wire.IdResponse;
import dev.relaybox.devstack.registry.internal.Wire.SchemaRequest;
import dev.relaybox.devstack.registry.internal.Wire.SchemaString;
import dev.relaybox.devstack.registry.internal.Wire.StoredSchema;
import dev.relaybox.schemas.registry.CompatibilityLevel;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes Confluent Schema Registry REST calls to a {@link RegistryStore}: content negotiation, JSON
 * in and out, error bodies, request logging. Thread-safe.
 */
public final class RegistryHttpHandler implements HttpHandler {
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final Logger log = LoggerFactory.getLogger(RegistryHttpHandler.class);
  private static final Set<String> JSON_TYPES =
      Set.of(CONTENT_TYPE, "application/vnd.schemaregistry+json", "application/json");
  private static final Set<String> REQUEST_TYPES =
      Set.of(
          CONTENT_TYPE,
          "application/vnd.schemaregistry+json",
          "application/json",
          "application/octet-stream");

  private final ObjectMapper mapper =
      JsonMapper.builder()
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_EMPTY, JsonInclude.Include.NON_EMPTY))
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();
  private final RegistryStore store;
  private final List<Route> routes = new ArrayList<>();

  private RegistryHttpHandler(Path storageDirectory) throws IOException {
    this.store = new RegistryStore(storageDirectory, mapper);
    route("GET", "", call -> Map.of());
    route("GET", "schemas/types", call -> List.of("AVRO"));
    route("GET", "schemas/ids/{id}", call -> schemaString(store.schemaById(call.id())));
    route("GET", "schemas/ids/{id}/schema", call -> new Raw(store.schemaById(call.id()).schema()));
    route("GET", "schemas/ids/{id}/versions", call -> store.versionsOfId(call.id()));
    route(
        "GET",
        "schemas/ids/{id}/subjects",
        call ->
            store.versionsOfId(call.id()).stream()
                .map(Wire.SubjectVersion::subject)
                .distinct()
                .toList());
    route(
        "GET",
        "subjects",
        call ->
            paged(
                store.subjects(
                    call.query("subjectPrefix", ""),
                    call.flag("deleted"),
                    call.flag("deletedOnly")),
                call));
    route(
        "POST",
        "subjects/{subject}",
        call -> store.lookup(call.subject(), call.body(SchemaRequest.class), call.flag("deleted")));
    route(
        "DELETE",
        "subjects/{subject}",
        call -> store.deleteSubject(call.subject(), call.flag("permanent")));
    route(
        "GET",
        "subjects/{subject}/versions",
        call -> store.versions(call.subject(), call.flag("deleted"), call.flag("deletedOnly")));
    route(
        "POST",
        "subjects/{subject}/versions",
        call -> new IdResponse(store.register(call.subject(), call.body(SchemaRequest.class))));
    route(
        "GET",
        "subjects/{subject}/versions/{version}",
        call -> store.version(call.subject(), call.version(), call.flag("deleted")));
    route(
        "DELETE",
        "subjects/{subject}/versions/{version}",
        call -> store.deleteVersion(call.subject(), call.version(), call.flag("permanent")));
    route(
        "GET",
        "subjects/{subject}/versions/{version}/schema",
        call ->
            new Raw(store.version(call.subject(), call.version(), call.flag("deleted")).schema()));
    route(
        "POST",
        "compatibility/subjects/{subject}/versions",
        call ->
            store.checkCompatibility(
                call.subject(), null, call.body(SchemaRequest.class), call.flag("verbose")));
    route(
        "POST",
        "compatibility/subjects/{subject}/versions/{version}",
        call ->
            store.checkCompatibility(
                call.subject(),
                call.version(),
                call.body(SchemaRequest.class),
                call.flag("verbose")));
    route("GET", "config", call -> new ConfigResponse(store.globalLevel().name()));
    route(
        "PUT",
        "config",
        call -> {
          CompatibilityLevel level = level(call);
          store.setGlobalLevel(level);
          return new ConfigUpdate(level.name());
        });
    route(
        "GET",
        "config/{subject}",
        call ->
            new ConfigResponse(
                store.subjectLevel(call.subject(), call.flag("defaultToGlobal")).name()));
    route(
        "PUT",
        "config/{subject}",
        call -> {
          CompatibilityLevel level = level(call);
          store.setSubjectLevel(call.subject(), level);
          return new ConfigUpdate(level.name());
        });
  }

  /**
   * A handler serving the registry whose state lives in {@code storageDirectory}.
   *
   * @throws IOException if the saved state cannot be read
   */
  public static RegistryHttpHandler open(Path storageDirectory) throws IOException {
    return new RegistryHttpHandler(storageDirectory);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    long start = System.nanoTime();
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    Map<String, String> params = Map.of();
    try (exchange) {
      try {
        Matched matched = match(method, path);
        params = matched.params();
        checkMediaTypes(exchange);
        Object result = matched.route().action().handle(new Call(exchange, params, mapper));
        send(exchange, 200, result);
        if (log.isDebugEnabled()) {
          log.debug(
              "Request method={} path={} {}status=200 tookMs={}",
              method,
              path,
              fields(params),
              (System.nanoTime() - start) / 1_000_000);
        }
      } catch (RegistryException e) {
        send(exchange, e.httpStatus(), new ErrorBody(e.errorCode(), e.getMessage()));
        if (e.httpStatus() >= 500) {
          log.error(
              "Request failed method={} path={} {}status={} errorCode={} message={}",
              method,
              path,
              fields(params),
              e.httpStatus(),
              e.errorCode(),
              e.getMessage(),
              e);
        } else {
          log.warn(
              "Request refused method={} path={} {}status={} errorCode={} message={}",
              method,
              path,
              fields(params),
              e.httpStatus(),
              e.errorCode(),
              e.getMessage());
        }
      } catch (RuntimeException e) {
        // A bug here, not a bad request: answer like Confluent's generic mapper, keep the trace.
        log.error("Request failed method={} path={} {}status=500", method, path, fields(params), e);
        send(exchange, 500, new ErrorBody(500, "Internal Server Error: " + e));
      }
    }
  }

  private Matched match(String method, String rawPath) {
    List<String> segments = segments(rawPath);
    boolean pathKnown = false;
    for (Route route : routes) {
      Map<String, String> params = route.match(segments);
      if (params != null) {
        if (route.method().equals(method)) {
          return new Matched(route, params);
        }
        pathKnown = true;
      }
    }
    throw pathKnown
        ? RegistryException.http(405, "Method Not Allowed")
        : RegistryException.http(404, "Not Found");
  }

  private static List<String> segments(String rawPath) {
    String trimmed = rawPath.replaceAll("^/+", "").replaceAll("/+$", "");
    List<String> segments = new ArrayList<>();
    if (trimmed.isEmpty()) {
      return segments;
    }
    for (String segment : trimmed.split("/", -1)) {
      // URLDecoder decodes form encoding, where '+' means a space; in a path it is a plus.
      segments.add(decode(segment.replace("+", "%2B")));
    }
    return segments;
  }

  /** Percent-decodes a path segment or query part; a malformed escape is the client's error. */
  private static String decode(String encoded) {
    try {
      return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw RegistryException.http(400, "Bad Request");
    }
  }

  /**
   * Every response is {@value #CONTENT_TYPE}, as with Confluent; requests that accept none of the
   * JSON types get 406. Bodies are read as JSON whatever their declared type among those Confluent
   * consumes; a missing Content-Type counts as {@code application/octet-stream}.
   */
  private static void checkMediaTypes(HttpExchange exchange) {
    List<String> accept = exchange.getRequestHeaders().get("Accept");
    if (accept != null && !accepts(String.join(",", accept))) {
      throw RegistryException.http(406, "Not Acceptable");
    }
    String method = exchange.getRequestMethod();
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if ((method.equals("POST") || method.equals("PUT"))
        && contentType != null
        && !REQUEST_TYPES.contains(baseType(contentType))) {
      throw RegistryException.http(415, "Unsupported Media Type");
    }
  }

  private static boolean accepts(String header) {
    if (header.isBlank()) {
      return true;
    }
    for (String range : header.split(",")) {
      String type = baseType(range);
      boolean matches =
          type.equals("*/*") || type.equals("application/*") || JSON_TYPES.contains(type);
      if (matches && !zeroQuality(range)) {
        return true;
      }
    }
    return false;
  }

  private static boolean zeroQuality(String range) {
    for (String parameter : range.split(";")) {
      String[] pair = parameter.trim().split("=", 2);
      if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("q")) {
        try {
          return Double.parseDouble(pair[1].trim()) <= 0;
        } catch (NumberFormatException e) {
          return false;
        }
      }
    }
    return false;
  }

  private static String baseType(String mediaType) {
    int semicolon = mediaType.indexOf(';');
    return (semicolon < 0 ? mediaType : mediaType.substring(0, semicolon))
        .trim()
        .toLowerCase(Locale.ROOT);
  }

  private void send(HttpExchange exchange, int status, Object result) throws IOException {
    byte[] body =
        result instanceof Raw raw
            ? raw.text().getBytes(StandardCharsets.UTF_8)
            : mapper.writeValueAsBytes(result);
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  private static CompatibilityLevel level(Call call) throws IOException {
    return CompatibilityLevel.parse(call.body(ConfigUpdate.class).compatibility())
        .orElseThrow(RegistryException::invalidCompatibilityLevel);
  }

  private static SchemaString schemaString(StoredSchema schema) {
    return new SchemaString(schema.schema(), schema.references());
  }

  private static List<String> paged(List<String> items, Call call) {
    int offset = Math.max(0, call.intQuery("offset", 0));
    int limit = call.intQuery("limit", -1);
    List<String> page = items.subList(Math.min(offset, items.size()), items.size());
    return limit >= 0 && limit < page.size() ? page.subList(0, limit) : page;
  }

  private static String fields(Map<String, String> params) {
    StringBuilder fields = new StringBuilder();
    params.forEach((name, value) -> fields.append(name).append('=').append(value).append(' '));
    return fields.toString();
  }

  private void route(String method, String pattern, Action action) {
    routes.add(
        new Route(method, pattern.isEmpty() ? List.of() : List.of(pattern.split("/")), action));
  }

  /** A schema served as its own text rather than as a JSON string. */
  private record Raw(String text) {}

  private record Matched(Route route, Map<String, String> params) {}

  @FunctionalInterface
  private interface Action {
    Object handle(Call call) throws IOException;
  }

  private record Route(String method, List<String> pattern, Action action) {
    /** The {@code {name}} segments' values, or null when the path does not match. */
    Map<String, String> match(List<String> segments) {
      if (segments.size() != pattern.size()) {
        return null;
      }
      Map<String, String> params = new LinkedHashMap<>();
      for (int i = 0; i < segments.size(); i++) {
        String expected = pattern.get(i);
        if (expected.startsWith("{")) {
          params.put(expected.substring(1, expected.length() - 1), segments.get(i));
        } else if (!expected.equals(segments.get(i))) {
          return null;
        }
      }
      return params;
    }
  }

  /** One request: path parameters, query parameters and the JSON body. */
  private static final class Call {
    private final HttpExchange exchange;
    private final Map<String, String> params;
    private final ObjectMapper mapper;
    private final Map<String, String> query = new LinkedHashMap<>();

    Call(HttpExchange exchange, Map<String, String> params, ObjectMapper mapper) {
      this.exchange = exchange;
      this.params = params;
      this.mapper = mapper;
      String rawQuery = exchange.getRequestURI().getRawQuery();
      if (rawQuery != null) {
        for (String pair : rawQuery.split("&")) {
          String[] parts = pair.split("=", 2);
          query.put(decode(parts[0]), parts.length == 2 ? decode(parts[1]) : "");
        }
      }
    }

    String subject() {
      return params.get("subject");
    }

    /** A positive version number, or {@link RegistryStore#LATEST}. */
    int version() {
      String version = params.get("version");
      if (version.equals("latest")) {
        return RegistryStore.LATEST;
      }
      try {
        int number = Integer.parseInt(version);
        if (number >= 1) {
          return number;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw RegistryException.invalidVersion(version);
    }

    /** The schema id; a non-numeric id matches no resource, as in Confluent. */
    int id() {
      try {
        return Integer.parseInt(params.get("id"));
      } catch (NumberFormatException e) {
        throw RegistryException.http(404, "Not Found");
      }
    }

    String query(String name, String defaultValue) {
      return query.getOrDefault(name, defaultValue);
    }

    boolean flag(String name) {
      return Boolean.parseBoolean(query.get(name));
    }

    int intQuery(String name, int defaultValue) {
      String value = query.get(name);
      try {
        return value == null ? defaultValue : Integer.parseInt(value);
      } catch (NumberFormatException e) {
        return defaultValue;
      }
    }

    <T> T body(Class<T> type) throws IOException {
      try (InputStream in = exchange.getRequestBody()) {
        T value = mapper.readValue(in, type);
        if (value == null) {
          throw RegistryException.malformedJson(
              "The request body is empty or null: send a JSON object");
        }
        return value;
      } catch (JsonProcessingException e) {
        throw RegistryException.malformedJson(e.getOriginalMessage());
      }
    }
  }
}
