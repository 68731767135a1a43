package dev.relaybox.schemas.serde;

import dev.relaybox.schemas.registry.RegistryUnavailableException;
import dev.relaybox.schemas.registry.SchemaRegistryException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The serializer or deserializer needed the schema registry and the registry failed: it is down
 * ({@link #isRetriable()}), rejected the schema (e.g. 409 incompatible) or answered garbage. The
 * cause is the typed {@link SchemaRegistryException} with the registry's {@code error_code}; the
 * message names the topic, subject or schema id.
 */
public class SchemaRegistryAccessException extends SerializationException {

  private static final long serialVersionUID = 1L;

  public SchemaRegistryAccessException(String message, SchemaRegistryException cause) {
    super(message + ": " + cause.getMessage(), cause);
  }

  /** The registry error; never null. */
  public SchemaRegistryException registryError() {
    return (SchemaRegistryException) getCause();
  }

  /** The registry's {@code error_code}; see {@link SchemaRegistryException#errorCode()}. */
  public int errorCode() {
    return registryError().errorCode();
  }

  /** True when the registry could not be reached: the same call may succeed later. */
  public boolean isRetriable() {
    return getCause() instanceof RegistryUnavailableException;
  }
}
