package dev.relaybox.relay.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the records of the engine apart: changes of the outbox table, the relay's heartbeat
 * messages, and everything else (Debezium heartbeats, other logical decoding messages).
 */
final class ChangeRecords {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeRecords.class);

  private final String outboxTopic;

  /**
   * @param outboxTopic the Debezium topic of the outbox table ({@code prefix.schema.table})
   */
  ChangeRecords(String outboxTopic) {
    this.outboxTopic = outboxTopic;
  }

  /** Whether {@code record} is a change of the outbox table (of any operation). */
  boolean isOutboxChange(SourceRecord record) {
    return outboxTopic.equals(record.topic()) && record.value() instanceof Struct;
  }

  /** The inserted outbox row, or null for other operations (logged: publish inserts only). */
  Struct insertedRow(SourceRecord record) {
    Struct envelope = (Struct) record.value();
    String op = envelope.getString("op");
    if (!"c".equals(op)) {
      LOG.warn(
          "ignoring non-insert change on the outbox table op={} topic={} (publish only inserts)",
          op,
          record.topic());
      return null;
    }
    return envelope.getStruct("after");
  }

  /**
   * The commit time (epoch millis) of the transaction of change {@code record}: Debezium's {@code
   * ts_usec}, from the transaction's BEGIN; null if absent.
   */
  static Long commitMillis(SourceRecord record) {
    Long usec = Position.longValue(record.sourceOffset(), Position.TS_USEC);
    return usec == null ? null : usec / 1_000;
  }

  /**
   * The wall time (epoch millis) a relay heartbeat message carries, or null if {@code record} is
   * none (see {@link RelaySettings#HEARTBEAT_PREFIX}).
   */
  static Long heartbeatMillis(SourceRecord record) {
    if (!(record.value() instanceof Struct value) || value.schema().field("message") == null) {
      return null;
    }
    Struct message = value.getStruct("message");
    if (message == null || !RelaySettings.HEARTBEAT_PREFIX.equals(message.getString("prefix"))) {
      return null;
    }
    Object content = message.get("content");
    String text =
        content instanceof ByteBuffer b
            ? StandardCharsets.UTF_8.decode(b.duplicate()).toString()
            : content instanceof byte[] bytes
                ? new String(bytes, StandardCharsets.UTF_8)
                : String.valueOf(content);
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return null; // an older heartbeat query (now()::text): no watermark
    }
  }
}
