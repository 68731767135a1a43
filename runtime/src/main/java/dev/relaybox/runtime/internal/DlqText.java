package dev.relaybox.runtime.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/** How {@code relaybox dlq} shows the bytes of a dead event: keys, header values, values. */
public final class DlqText {

  /** Confluent wire format: magic byte 0, then a 4-byte big-endian schema id. */
  private static final byte CONFLUENT_MAGIC = 0;

  private DlqText() {}

  /**
   * Bytes as UTF-8 text when they decode and contain no control characters, otherwise {@code
   * 0x<hex>}; {@code null} stays null.
   */
  public static String text(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      String s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      if (s.chars().noneMatch(Character::isISOControl)) {
        return s;
      }
    } catch (CharacterCodingException e) {
      // not text: fall through to hex
    }
    return "0x" + HexFormat.of().formatHex(bytes);
  }

  /** The schema id if the value is in the Confluent wire format (magic byte 0 + 4-byte id). */
  public static Optional<Integer> schemaId(byte[] value) {
    if (value == null || value.length < 5 || value[0] != CONFLUENT_MAGIC) {
      return Optional.empty();
    }
    return Optional.of(ByteBuffer.wrap(value, 1, 4).getInt());
  }

  /** One line: runs of white space (new lines included) as one space. */
  public static String oneLine(String s) {
    return s == null ? null : s.replaceAll("\\s+", " ");
  }
}
