package dev.relaybox.schemas.registry;

/**
 * The schema is incompatible with earlier versions of the subject under its compatibility level
 * (HTTP 409, {@code error_code} 409). The message carries the registry's details (field and rule).
 */
public class IncompatibleSchemaException extends SchemaRegistryException {

  private static final long serialVersionUID = 1L;

  public IncompatibleSchemaException(
      String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, httpStatus, errorCode, cause);
  }
}
