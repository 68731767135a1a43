package dev.relaybox.schemas.registry;

/** The registry rejected the schema as invalid (HTTP 422, {@code error_code} 42201). */
public class InvalidSchemaException extends SchemaRegistryException {

  private static final long serialVersionUID = 1L;

  public InvalidSchemaException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, httpStatus, errorCode, cause);
  }
}
