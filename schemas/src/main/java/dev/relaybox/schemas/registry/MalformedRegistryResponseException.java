package dev.relaybox.schemas.registry;

/**
 * The registry answered with a body that is not the JSON the API promises ({@code error_code}
 * {@value SchemaRegistryException#JSON_PARSE_ERROR_CODE}, as Confluent's client reports it):
 * probably not a schema registry at that URL, or a proxy's error page.
 */
public class MalformedRegistryResponseException extends SchemaRegistryException {

  private static final long serialVersionUID = 1L;

  public MalformedRegistryResponseException(
      String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, httpStatus, errorCode, cause);
  }
}
