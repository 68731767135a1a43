package dev.relaybox.devstack.registry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** One request: path parameters, query parameters and the JSON body. */
final class RegistryCall {
  private final HttpExchange exchange;
  private final Map<String, String> params;
  private final ObjectMapper mapper;
  private final Map<String, String> query = new LinkedHashMap<>();

  RegistryCall(HttpExchange exchange, Map<String, String> params, ObjectMapper mapper) {
    this.exchange = exchange;
    this.params = params;
    this.mapper = mapper;
    String rawQuery = exchange.getRequestURI().getRawQuery();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        String[] parts = pair.split("=", 2);
        query.put(
            RegistryHttpHandler.decode(parts[0]),
            parts.length == 2 ? RegistryHttpHandler.decode(parts[1]) : "");
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
