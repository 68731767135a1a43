package dev.relaybox.console.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Checks of form input: every value a page uses is parsed here first, or refused with 400. */
final class Forms {

  private Forms() {}

  /** An ISO-8601 instant ({@code 2026-11-22T10:00:00Z}) or epoch milliseconds. */
  static Instant instant(String field, String text) {
    try {
      return !text.isEmpty() && text.chars().allMatch(Character::isDigit)
          ? Instant.ofEpochMilli(Long.parseLong(text))
          : Instant.parse(text);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new Web.BadRequest(
          400,
          field
              + " must be an ISO-8601 instant such as 2026-11-22T10:00:00Z or epoch milliseconds,"
              + " was '"
              + text
              + "'");
    }
  }

  /** {@code P:O[,P:O...]}: offsets by partition. */
  static Map<Integer, Long> offsets(String field, String text) {
    Map<Integer, Long> offsets = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      String[] po = part.trim().split(":");
      try {
        if (po.length != 2) {
          throw new NumberFormatException();
        }
        offsets.put(Integer.parseInt(po[0].trim()), Long.parseLong(po[1].trim()));
      } catch (NumberFormatException e) {
        throw new Web.BadRequest(
            400, field + " expects PARTITION:OFFSET[,PARTITION:OFFSET...], was '" + text + "'");
      }
    }
    return offsets;
  }

  /** {@code value} if it is one of {@code allowed}, else 400 naming the field. */
  static String oneOf(String field, String value, java.util.Collection<String> allowed) {
    if (!allowed.contains(value)) {
      throw new Web.BadRequest(400, field + " '" + value + "' is not one of " + allowed);
    }
    return value;
  }
}
