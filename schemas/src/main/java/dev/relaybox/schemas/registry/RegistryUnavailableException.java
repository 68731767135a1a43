package dev.relaybox.schemas.registry;

/**
 * The registry could not be reached or kept failing (connection refused, timeout, HTTP 5xx) after
 * every configured retry on every URL. Retrying later may succeed.
 */
public class RegistryUnavailableException extends SchemaRegistryException {

  private static final long serialVersionUID = 1L;

  public RegistryUnavailableException(
      String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, httpStatus, errorCode, cause);
  }
}
