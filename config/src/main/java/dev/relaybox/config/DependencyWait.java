package dev.relaybox.config;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * Waiting for a dependency that is down while a service starts: capped exponential backoff from
 * {@link CommonSettings#STARTUP_BACKOFF_INITIAL} to {@link CommonSettings#STARTUP_BACKOFF_MAX}, a
 * log line every few seconds naming what is awaited ({@code host:port}, never credentials), and the
 * reason a {@code /ready} endpoint reports meanwhile. Not thread-safe: one starter uses it; {@link
 * #reason()} may be read from any thread.
 */
public final class DependencyWait {
  private static final long LOG_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

  private final Logger log;
  private final long initialMs;
  private final long maxMs;
  private final long startNanos = System.nanoTime();
  private long nextDelayMs;
  private long lastLogNanos;
  private int attempts;
  private volatile String reason;

  /** A wait with {@code config}'s startup backoff, logging to {@code log}. */
  public DependencyWait(ServiceConfig config, Logger log) {
    this.log = log;
    this.initialMs = config.get(CommonSettings.STARTUP_BACKOFF_INITIAL).toMillis();
    this.maxMs = Math.max(initialMs, config.get(CommonSettings.STARTUP_BACKOFF_MAX).toMillis());
    this.nextDelayMs = initialMs;
    this.reason = "starting";
  }

  /** {@code "Postgres at host:port/database"} for {@code config}; no user, no password. */
  public static String postgres(ServiceConfig config) {
    return "Postgres at "
        + config.get(CommonSettings.PG_HOST)
        + ":"
        + config.get(CommonSettings.PG_PORT)
        + "/"
        + config.get(CommonSettings.PG_DATABASE);
  }

  /**
   * Whether {@code e} means Postgres cannot be reached or is not accepting connections yet
   * (connection refused or lost, starting up, shutting down, too many connections): waiting helps.
   * Other errors (bad password, missing database) need an operator.
   */
  public static boolean isUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03")
            || state.equals("53300")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Records a failed attempt to reach {@code what} (the dependency and where it is, e.g. {@code
   * "Postgres at db:5432/app"}, never credentials) and returns how long to wait before the next;
   * logs (warn) what is awaited and why on the first failure and then every five seconds.
   */
  public Duration failed(String what, Throwable error) {
    attempts++;
    long delay = nextDelayMs;
    nextDelayMs = Math.min(nextDelayMs * 2, maxMs);
    long waitedMs = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    String cause =
        error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    reason =
        "waiting for " + what + " (attempt " + attempts + ", " + waitedMs / 1000 + " s): " + cause;
    if (attempts == 1 || System.nanoTime() - lastLogNanos >= LOG_EVERY_NANOS) {
      lastLogNanos = System.nanoTime();
      log.warn(
          "waiting for {} attempts={} waitedMs={} nextAttemptInMs={} error={}",
          what,
          attempts,
          waitedMs,
          delay,
          cause);
    }
    return Duration.ofMillis(delay);
  }

  /** Logs that the dependencies answered, if they were awaited. */
  public void reached() {
    if (attempts > 0) {
      log.info(
          "dependencies reached after attempts={} waitedMs={}",
          attempts,
          Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
    }
    reason = "starting";
  }

  /** What the service is waiting for, for {@code /ready}. */
  public String reason() {
    return reason;
  }
}
