package dev.relaybox.devstack.registry.internal;

import java.util.List;

/**
 * A request the registry refuses, carrying the HTTP status and the Confluent {@code error_code}
 * that go into the {@code {"error_code":..,"message":..}} body.
 */
final class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int httpStatus;
  private final int errorCode;

  private RegistryException(int httpStatus, int errorCode, String message, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  int httpStatus() {
    return httpStatus;
  }

  int errorCode() {
    return errorCode;
  }

  /** Confluent's generic JAX-RS errors (404, 405, 406, 415) use the HTTP status as the code. */
  static RegistryException http(int status, String reason) {
    return new RegistryException(status, status, "HTTP " + status + " " + reason, null);
  }

  static RegistryException malformedJson(String detail) {
    return new RegistryException(400, 400, detail, null);
  }

  static RegistryException subjectNotFound(String subject) {
    return new RegistryException(404, 40401, "Subject '" + subject + "' not found.", null);
  }

  static RegistryException versionNotFound(int version) {
    return new RegistryException(404, 40402, "Version " + version + " not found.", null);
  }

  static RegistryException schemaNotFound() {
    return new RegistryException(404, 40403, "Schema not found", null);
  }

  static RegistryException schemaNotFound(int id) {
    return new RegistryException(404, 40403, "Schema " + id + " not found", null);
  }

  static RegistryException subjectSoftDeleted(String subject) {
    return new RegistryException(
        404,
        40404,
        "Subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently",
        null);
  }

  static RegistryException subjectNotSoftDeleted(String subject) {
    return new RegistryException(
        404,
        40405,
        "Subject '" + subject + "' was not deleted first before being permanently deleted",
        null);
  }

  static RegistryException versionSoftDeleted(String subject, int version) {
    return new RegistryException(
        404,
        40406,
        "Subject '"
            + subject
            + "' Version "
            + version
            + " was soft deleted. Set permanent=true to delete permanently",
        null);
  }

  static RegistryException versionNotSoftDeleted(String subject, int version) {
    return new RegistryException(
        404,
        40407,
        "Subject '"
            + subject
            + "' Version "
            + version
            + " was not deleted first before being permanently deleted",
        null);
  }

  static RegistryException subjectLevelConfigNotFound(String subject) {
    return new RegistryException(
        404,
        40408,
        "Subject '" + subject + "' does not have subject-level compatibility configured",
        null);
  }

  static RegistryException incompatible(String subject, List<String> details) {
    return new RegistryException(
        409,
        409,
        "Schema being registered is incompatible with an earlier schema for subject \""
            + subject
            + "\", details: "
            + details,
        null);
  }

  static RegistryException invalidSchema(String detail) {
    return new RegistryException(422, 42201, "Invalid schema: " + detail, null);
  }

  static RegistryException invalidVersion(String version) {
    return new RegistryException(
        422,
        42202,
        "The specified version '"
            + version
            + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string"
            + " \"latest\"",
        null);
  }

  static RegistryException invalidCompatibilityLevel() {
    return new RegistryException(
        422,
        42203,
        "Invalid compatibility level. Valid values are none, backward, forward, full,"
            + " backward_transitive, forward_transitive, and full_transitive",
        null);
  }

  static RegistryException subjectModeNotFound(String subject) {
    return new RegistryException(
        404, 40409, "Subject '" + subject + "' does not have subject-level mode configured", null);
  }

  static RegistryException readOnly(String subject) {
    return new RegistryException(422, 42205, "Subject " + subject + " is in read-only mode", null);
  }

  static RegistryException importNeedsEmptyRegistry() {
    return new RegistryException(
        422,
        42205,
        "Cannot import since found existing subjects; use force=true to import into them",
        null);
  }

  static RegistryException invalidMode() {
    return new RegistryException(
        422,
        42204,
        "Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT",
        null);
  }

  static RegistryException storeFailure(String detail, Throwable cause) {
    return new RegistryException(500, 50001, "Error in the backend data store: " + detail, cause);
  }
}
