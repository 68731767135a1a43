package dev.relaybox.schemas.registry.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaybox.schemas.registry.SchemaNotFoundException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/** The registry's {@code /config} and {@code /mode} calls: one enum-valued field each. */
final class SettingCalls {

  private final RestTransport transport;

  SettingCalls(RestTransport transport) {
    this.transport = transport;
  }

  /** A global setting, which always exists. */
  <E> E global(String operation, String path, String field, Function<String, E> valueOf) {
    return Responses.constant(
        operation, transport.send(operation, "GET", path, null), field, valueOf);
  }

  /** A subject's own config or mode; empty when it has none (40401, 40408, 40409). */
  <E> Optional<E> subject(
      String operation, String path, String field, Function<String, E> valueOf) {
    try {
      return Optional.of(global(operation, path, field, valueOf));
    } catch (SchemaNotFoundException e) {
      if (e.errorCode() == 40401 || e.errorCode() == 40408 || e.errorCode() == 40409) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @SuppressWarnings("unchecked")
  <E extends Enum<E>> E put(String operation, String path, String field, E value) {
    Objects.requireNonNull(value, field);
    ObjectNode body = RestTransport.json().createObjectNode().put(field, value.name());
    Class<E> type = (Class<E>) value.getDeclaringClass();
    return Responses.constant(
        operation,
        transport.send(operation, "PUT", path, body),
        field,
        name -> Enum.valueOf(type, name));
  }
}
