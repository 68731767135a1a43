package dev.relaybox.runtime;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Sends java.util.logging (pgjdbc, OpenTelemetry's API) through SLF4J into Logback, so that every
 * log line of a service has one format: text, or JSON with {@code RELAYBOX_LOG_FORMAT=json}.
 * Logback's {@code LevelChangePropagator} (in {@code logback.xml}) keeps JUL from building records
 * that Logback would drop.
 */
final class LogRouting {

  private LogRouting() {}

  /** Replaces JUL's console handler with the SLF4J bridge; idempotent. */
  static synchronized void install() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }
}
