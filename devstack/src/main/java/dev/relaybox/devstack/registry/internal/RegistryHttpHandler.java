package dev.relaybox.devstack.registry.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.relaybox.devstack.registry.internal.Wire.ConfigResponse;
import dev.relaybox.devstack.registry.internal.Wire.ConfigUpdate;
import dev.relaybox.devstack.registry.internal.Wire.ErrorBody;
import dev.relaybox.devstack.registry.internal.Wire.IdResponse;
import dev.relaybox.devstack.registry.internal.Wire.ModeBody;
import dev.relaybox.devstack.registry.internal.Wire.SchemaRequest;
import dev.relaybox.devstack.registry.internal.Wire.SchemaString;
import dev.relaybox.devstack.registry.internal.Wire.StoredSchema;
import dev.relaybox.schemas.registry.CompatibilityLevel;
import dev.relaybox.schemas.registry.RegistryMode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes Confluent Schema Registry REST calls to a {@link RegistryStore}: content negotiation, JSON
 * in and out, error bodies, request logging. Thread-safe.
 */
public final class RegistryHttpHandler implements HttpHandler {
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final Logger log = LoggerFactory.getLogger(RegistryHttpHandler.class);

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
    route(
        "GET",
        "config",
        call -> new ConfigResponse(store.settings(RegistrySettings::globalLevel).name()));
    route(
        "PUT",
        "config",
        call -> {
          CompatibilityLevel level = level(call);
          store.changeSettings(settings -> settings.globalLevel(level));
          return new ConfigUpdate(level.name());
        });
    route(
        "GET",
        "config/{subject}",
        call ->
            new ConfigResponse(
                store
                    .settings(s -> s.subjectLevel(call.subject(), call.flag("defaultToGlobal")))
                    .name()));
    route(
        "PUT",
        "config/{subject}",
        call -> {
          CompatibilityLevel level = level(call);
          store.changeSettings(settings -> settings.subjectLevel(call.subject(), level));
          return new ConfigUpdate(level.name());
        });
    route("GET", "mode", call -> new ModeBody(store.settings(RegistrySettings::globalMode).name()));
    route(
        "PUT",
        "mode",
        call -> {
          RegistryMode mode = mode(call);
          store.setGlobalMode(mode, call.flag("force"));
          return new ModeBody(mode.name());
        });
    route(
        "GET",
        "mode/{subject}",
        call ->
            new ModeBody(
                store
                    .settings(s -> s.subjectMode(call.subject(), call.flag("defaultToGlobal")))
                    .name()));
    route(
        "PUT",
        "mode/{subject}",
        call -> {
          RegistryMode mode = mode(call);
          store.setSubjectMode(call.subject(), mode, call.flag("force"));
          return new ModeBody(mode.name());
        });
    route(
        "DELETE",
        "mode/{subject}",
        call ->
            new ModeBody(store.changeSettings(s -> s.deleteSubjectMode(call.subject())).name()));
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
        MediaTypes.check(exchange);
        Object result = matched.route().action().handle(new RegistryCall(exchange, params, mapper));
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
  static String decode(String encoded) {
    try {
      return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw RegistryException.http(400, "Bad Request");
    }
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

  private static CompatibilityLevel level(RegistryCall call) throws IOException {
    return CompatibilityLevel.parse(call.body(ConfigUpdate.class).compatibility())
        .orElseThrow(RegistryException::invalidCompatibilityLevel);
  }

  private static RegistryMode mode(RegistryCall call) throws IOException {
    String mode = call.body(ModeBody.class).mode();
    try {
      return RegistryMode.valueOf(String.valueOf(mode).trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw RegistryException.invalidMode();
    }
  }

  private static SchemaString schemaString(StoredSchema schema) {
    return new SchemaString(schema.schema(), schema.references());
  }

  private static List<String> paged(List<String> items, RegistryCall call) {
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
    Object handle(RegistryCall call) throws IOException;
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
}
