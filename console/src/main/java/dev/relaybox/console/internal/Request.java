package dev.relaybox.console.internal;

import com.sun.net.httpserver.HttpExchange;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * One request as the pages see it: method, path, query and form parameters (decoded), the path's
 * captured segments, and the signed-in session. Parameters are raw user input: pages validate each
 * before use.
 */
public final class Request {

  private final HttpExchange exchange;
  private final String method;
  private final String path;
  private final Map<String, List<String>> query;
  private final Map<String, List<String>> form;
  private Matcher pathMatch;
  private Session session;

  Request(HttpExchange exchange, String path, String rawQuery, String formBody) {
    this.exchange = exchange;
    this.method = exchange.getRequestMethod();
    this.path = path;
    this.query = parse(rawQuery);
    this.form = parse(formBody);
  }

  /** Parses {@code a=1&b=2} (URL-encoded); malformed pairs are dropped. */
  static Map<String, List<String>> parse(String encoded) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return params;
    }
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        params
            .computeIfAbsent(
                URLDecoder.decode(name, StandardCharsets.UTF_8), k -> new ArrayList<>())
            .add(URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // a malformed %-escape: the parameter is left out, as if it had not been sent
      }
    }
    return params;
  }

  public String method() {
    return method;
  }

  public String path() {
    return path;
  }

  /** The query parameter {@code name}, trimmed, or {@code ""}. */
  public String query(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? "" : values.get(0).trim();
  }

  /** The form field {@code name}, trimmed, or {@code ""}. */
  public String form(String name) {
    List<String> values = form.get(name);
    return values == null || values.isEmpty() ? "" : values.get(0).trim();
  }

  /** Every value of the form field {@code name}. */
  public List<String> formValues(String name) {
    return form.getOrDefault(name, List.of());
  }

  /** A query parameter, or else the form field, of that name. */
  public String param(String name) {
    String value = query(name);
    return value.isEmpty() ? form(name) : value;
  }

  /** The path segment captured by the route's group {@code name}, URL-decoded. */
  public String segment(String name) {
    return URLDecoder.decode(pathMatch.group(name), StandardCharsets.UTF_8);
  }

  /** The session (never null once the security checks passed). */
  public Session session() {
    return session;
  }

  /** The request header {@code name}, or null. */
  public String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  /** The client's address, for the audit trail. */
  public String remoteAddress() {
    return exchange.getRemoteAddress().getAddress().getHostAddress();
  }

  void pathMatch(Matcher matcher) {
    this.pathMatch = matcher;
  }

  void session(Session session) {
    this.session = session;
  }
}
