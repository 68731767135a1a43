package dev.relaybox.schemas.registry;

/**
 * The schema registry refused a request or could not be used. Carries the registry's {@code
 * error_code} and the HTTP status, as Confluent's client does; subclasses name the common cases.
 *
 * <p>Messages name the operation, the registry URL and the registry's own message; they never
 * contain credentials.
 */
public class SchemaRegistryException extends RuntimeException {

  /**
   * {@code error_code} used when a response body is not the JSON the API promises (Confluent's).
   */
  public static final int JSON_PARSE_ERROR_CODE = 50005;

  /** Status and error code used when no HTTP response was received at all. */
  public static final int NO_RESPONSE = -1;

  private static final long serialVersionUID = 1L;

  private final int errorCode;
  private final int httpStatus;

  public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  /**
   * The registry's {@code error_code} (e.g. 40403, 409, 42201), {@value #JSON_PARSE_ERROR_CODE} for
   * an unparsable body, or {@value #NO_RESPONSE} when the registry did not answer.
   */
  public int errorCode() {
    return errorCode;
  }

  /** The HTTP status of the response, or {@value #NO_RESPONSE} when the registry did not answer. */
  public int httpStatus() {
    return httpStatus;
  }
}
