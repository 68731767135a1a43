package dev.relaybox.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A key or value could not be serialized for a reason other than the registry: an unsupported type,
 * a datum that does not match its own schema, a schema that a record-based subject strategy cannot
 * name, or a schema that differs from the one pinned by {@code use.latest.version} / {@code
 * use.schema.id}. Not retryable: the data or the configuration must change.
 */
public class EventEncodingException extends SerializationException {

  private static final long serialVersionUID = 1L;

  public EventEncodingException(String message) {
    super(message);
  }

  public EventEncodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
