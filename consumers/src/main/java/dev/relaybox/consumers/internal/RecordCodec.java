package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.ConsumedEvent;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * How a consumed record is stored in the retry and dead sets: the headers as one byte string
 * (count, then name and value per header, a null value as length -1), a missing key as an empty
 * one. Keeping the record as it was lets it run again exactly as consumed.
 */
public final class RecordCodec {

  private static final byte[] NO_KEY = new byte[0];

  private RecordCodec() {}

  /** The key to store: empty for a record without key. */
  static byte[] key(byte[] key) {
    return key == null ? NO_KEY : key;
  }

  /** Encodes headers in order, duplicates and null values kept. */
  static byte[] encode(Headers headers) {
    List<Header> all = new ArrayList<>();
    headers.forEach(all::add);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(all.size());
      for (Header h : all) {
        byte[] name = h.key().getBytes(StandardCharsets.UTF_8);
        out.writeInt(name.length);
        out.write(name);
        out.writeInt(h.value() == null ? -1 : h.value().length);
        if (h.value() != null) {
          out.write(h.value());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen in memory
    }
    return bytes.toByteArray();
  }

  /** Decodes what {@link #encode} wrote. */
  public static List<Header> decode(byte[] encoded) {
    List<Header> headers = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(encoded))) {
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        byte[] name = in.readNBytes(in.readInt());
        int length = in.readInt();
        byte[] value = length < 0 ? null : in.readNBytes(length);
        headers.add(new RecordHeader(new String(name, StandardCharsets.UTF_8), value));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt stored headers", e);
    }
    return headers;
  }

  /** The stored record as the consumer returned it (an empty key becomes none). */
  static ConsumerRecord<byte[], byte[]> record(
      String topic,
      int partition,
      long offset,
      long timestamp,
      byte[] key,
      byte[] value,
      byte[] headers) {
    return new ConsumerRecord<>(
        topic,
        partition,
        offset,
        timestamp,
        TimestampType.CREATE_TIME,
        -1,
        -1,
        key == null || key.length == 0 ? null : key,
        value,
        new RecordHeaders(decode(headers)),
        Optional.empty());
  }

  /** The {@code id} header as a UUID, or null when absent or malformed. */
  static UUID eventId(Headers headers) {
    Header id = headers.lastHeader(ConsumedEvent.ID_HEADER);
    if (id == null || id.value() == null) {
      return null;
    }
    try {
      return UUID.fromString(new String(id.value(), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
