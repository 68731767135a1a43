package dev.relaybox.runtime;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Accepts an ISO-8601 instant such as {@code 2026-11-22T10:00:00Z} or epoch milliseconds. */
public final class InstantConverter implements ITypeConverter<Instant> {
  @Override
  public Instant convert(String text) {
    try {
      return !text.isEmpty() && text.chars().allMatch(Character::isDigit)
          ? Instant.ofEpochMilli(Long.parseLong(text))
          : Instant.parse(text);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new TypeConversionException(
          "expected an ISO-8601 instant such as 2026-11-22T10:00:00Z or epoch millis, got '"
              + text
              + "'");
    }
  }
}
