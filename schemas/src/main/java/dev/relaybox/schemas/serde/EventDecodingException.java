package dev.relaybox.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A payload could not be decoded: it is not in the Confluent wire format, is cut short, names a
 * schema id the registry does not know, or its Avro body does not match its writer schema or the
 * reader schema. Not retryable: the same bytes fail the same way; route the record to a dead-letter
 * topic or fix the producer. The message names the topic and, when known, partition, offset and
 * schema id.
 */
public class EventDecodingException extends SerializationException {

  /** What was wrong with the payload. */
  public enum Reason {
    /** Byte 0 is not the Confluent magic byte 0x00. */
    UNKNOWN_MAGIC_BYTE,
    /** Fewer than 5 bytes, or the Avro body ends before the record does. */
    TRUNCATED,
    /** The registry has no schema with the payload's id (error_code 40403). */
    UNKNOWN_SCHEMA_ID,
    /** The Avro body is not a valid encoding of the writer schema (or has trailing bytes). */
    MALFORMED_AVRO,
    /** The reader schema (generated class or given schema) cannot read the writer schema. */
    INCOMPATIBLE_READER
  }

  private static final long serialVersionUID = 1L;

  private final Reason reason;
  private final String topic;
  private final int partition;
  private final long offset;
  private final int schemaId;

  public EventDecodingException(
      Reason reason,
      String message,
      String topic,
      int partition,
      long offset,
      int schemaId,
      Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.schemaId = schemaId;
  }

  public Reason reason() {
    return reason;
  }

  /** The topic the payload came from (may be null if the caller passed none). */
  public String topic() {
    return topic;
  }

  /** The partition, or -1 when the caller did not give it. */
  public int partition() {
    return partition;
  }

  /** The offset, or -1 when the caller did not give it. */
  public long offset() {
    return offset;
  }

  /** The schema id read from the payload, or -1 when the payload was too short to hold one. */
  public int schemaId() {
    return schemaId;
  }
}
