package dev.relaybox.runtime;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;

/** Accepts {@code 10s}, {@code 500ms}, {@code 2m} and ISO-8601 durations. */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    Duration d = parse(value.trim().toLowerCase(java.util.Locale.ROOT));
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(
          "expected a positive duration such as 10s, 500ms, 2m or PT1M, got '" + value + "'");
    }
    return d;
  }

  private static Duration parse(String v) {
    try {
      if (v.startsWith("p")) {
        return Duration.parse(v.toUpperCase(java.util.Locale.ROOT));
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      if (v.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      if (v.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      return null;
    } catch (NumberFormatException | DateTimeParseException e) {
      return null;
    }
  }
}
