package dev.relaybox.schemas.serde.internal;

/** Confluent's wire format: magic byte 0x00, 4-byte big-endian schema id, Avro binary body. */
public final class WireFormat {

  public static final byte MAGIC_BYTE = 0x0;
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** The first bytes of a payload as hex, for error messages. */
  public static String hexPrefix(byte[] data, int max) {
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(max, data.length); i++) {
      hex.append(i == 0 ? "" : " ").append(String.format("%02x", data[i]));
    }
    return data.length > max ? hex + " ..." : hex.toString();
  }
}
