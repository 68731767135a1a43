package dev.relaybox.schemas.registry;

/**
 * A subject, version or schema does not exist (HTTP 404; {@code error_code} 40401 subject, 40402
 * version, 40403 schema, 40408 no subject-level config).
 */
public class SchemaNotFoundException extends SchemaRegistryException {

  private static final long serialVersionUID = 1L;

  public SchemaNotFoundException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, httpStatus, errorCode, cause);
  }
}
