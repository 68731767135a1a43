package dev.relaybox.runtime.internal;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.DeadLetterHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One record of a dead-letter topic, with the diagnostic headers the consumer runner added ({@link
 * DeadLetterHeaders}) decoded. Header lookups use the last header of a name, because a record
 * dead-lettered again after a redrive carries the diagnostics once per failure.
 */
public record DlqRecord(
    String topic,
    int partition,
    long offset,
    long timestamp,
    byte[] key,
    byte[] value,
    List<Header> headers) {

  /**
   * Header on a redriven copy naming the dead letter it came from ({@code
   * <dlq-topic>:<partition>:<offset>}); {@code relaybox dlq redrive} looks for it to skip dead
   * letters already redriven.
   */
  public static final String REDRIVEN_FROM = "relaybox.redriven.from";

  /** Every header the consumer runner adds when it dead-letters a record. */
  private static final Set<String> DIAGNOSTIC_HEADERS =
      Set.of(
          DeadLetterHeaders.ORIGINAL_TOPIC,
          DeadLetterHeaders.ORIGINAL_PARTITION,
          DeadLetterHeaders.ORIGINAL_OFFSET,
          DeadLetterHeaders.CONSUMER_GROUP,
          DeadLetterHeaders.REASON,
          DeadLetterHeaders.ERROR_CLASS,
          DeadLetterHeaders.ERROR_MESSAGE,
          DeadLetterHeaders.ATTEMPTS,
          DeadLetterHeaders.FIRST_FAILURE,
          DeadLetterHeaders.LAST_FAILURE);

  /** Confluent wire format: magic byte 0, then a 4-byte big-endian schema id. */
  private static final byte CONFLUENT_MAGIC = 0;

  public DlqRecord {
    headers = List.copyOf(headers);
  }

  static DlqRecord of(ConsumerRecord<byte[], byte[]> record) {
    List<Header> headers = new ArrayList<>();
    record.headers().forEach(headers::add);
    return new DlqRecord(
        record.topic(),
        record.partition(),
        record.offset(),
        record.timestamp(),
        record.key(),
        record.value(),
        headers);
  }

  /**
   * Whether the record passes the filters; a null filter passes everything. {@code errorClass}
   * matches the fully qualified class name or its simple name.
   */
  public boolean matches(String group, String reason, String errorClass) {
    String actualClass = errorClass();
    return (group == null || group.equals(consumerGroup()))
        && (reason == null || reason.equals(reason()))
        && (errorClass == null
            || (actualClass != null
                && (actualClass.equals(errorClass) || actualClass.endsWith("." + errorClass))));
  }

  /** Where this dead letter sits, {@code <dlq-topic>:<partition>:<offset>}. */
  public String position() {
    return topic + ":" + partition + ":" + offset;
  }

  /** The last header of that name as UTF-8 text, or null when absent. */
  public String header(String name) {
    String value = null;
    for (Header h : headers) {
      if (h.key().equals(name)) {
        value = h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
      }
    }
    return value;
  }

  public String originalTopic() {
    return header(DeadLetterHeaders.ORIGINAL_TOPIC);
  }

  /** The original partition, or -1 when the header is missing or not a number. */
  public int originalPartition() {
    return (int) number(DeadLetterHeaders.ORIGINAL_PARTITION);
  }

  /** The original offset, or -1 when the header is missing or not a number. */
  public long originalOffset() {
    return number(DeadLetterHeaders.ORIGINAL_OFFSET);
  }

  public String consumerGroup() {
    return header(DeadLetterHeaders.CONSUMER_GROUP);
  }

  /** The event id (header {@code id}) consumers deduplicate on. */
  public String eventId() {
    return header(ConsumedEvent.ID_HEADER);
  }

  public String reason() {
    return header(DeadLetterHeaders.REASON);
  }

  public String errorClass() {
    return header(DeadLetterHeaders.ERROR_CLASS);
  }

  public String errorMessage() {
    return header(DeadLetterHeaders.ERROR_MESSAGE);
  }

  public String attempts() {
    return header(DeadLetterHeaders.ATTEMPTS);
  }

  public String firstFailure() {
    return header(DeadLetterHeaders.FIRST_FAILURE);
  }

  public String lastFailure() {
    return header(DeadLetterHeaders.LAST_FAILURE);
  }

  /** Whether the consumer runner's headers say where the record came from. */
  public boolean hasOrigin() {
    return originalTopic() != null && originalPartition() >= 0 && originalOffset() >= 0;
  }

  /**
   * The headers the record had on its original topic: everything except the runner's diagnostics
   * and the marker of an earlier redrive. The event id header {@code id} stays, so consumers
   * deduplicate a redriven copy against the original.
   */
  public List<Header> originalHeaders() {
    return headers.stream()
        .filter(h -> !DIAGNOSTIC_HEADERS.contains(h.key()) && !h.key().equals(REDRIVEN_FROM))
        .toList();
  }

  /** The schema id if the value is in the Confluent wire format (magic byte 0 + 4-byte id). */
  public Optional<Integer> schemaId() {
    if (value == null || value.length < 5 || value[0] != CONFLUENT_MAGIC) {
      return Optional.empty();
    }
    return Optional.of(ByteBuffer.wrap(value, 1, 4).getInt());
  }

  /** The key as UTF-8 text, or as {@code 0x...} hex when it is not printable text. */
  public String keyText() {
    return text(key);
  }

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

  private long number(String header) {
    String text = header(header);
    if (text == null) {
      return -1;
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
