package dev.relaybox.devstack.registry.internal;

import com.sun.net.httpserver.HttpExchange;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Content negotiation as Confluent's registry does it. */
final class MediaTypes {
  private static final Set<String> JSON_TYPES =
      Set.of(
          RegistryHttpHandler.CONTENT_TYPE,
          "application/vnd.schemaregistry+json",
          "application/json");
  private static final Set<String> REQUEST_TYPES =
      Set.of(
          RegistryHttpHandler.CONTENT_TYPE,
          "application/vnd.schemaregistry+json",
          "application/json",
          "application/octet-stream");

  private MediaTypes() {}

  /**
   * Every response is {@value RegistryHttpHandler#CONTENT_TYPE}, as with Confluent; requests that
   * accept none of the JSON types get 406. Bodies are read as JSON whatever their declared type
   * among those Confluent consumes; a missing Content-Type counts as {@code
   * application/octet-stream}.
   */
  static void check(HttpExchange exchange) {
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
}
