package dev.relaybox.schemas.serde;

import dev.relaybox.schemas.registry.SchemaNotFoundException;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import dev.relaybox.schemas.registry.SchemaRegistryException;
import dev.relaybox.schemas.registry.internal.BoundedCache;
import dev.relaybox.schemas.serde.EventDecodingException.Reason;
import dev.relaybox.schemas.serde.internal.RegistryClients;
import dev.relaybox.schemas.serde.internal.WireFormat;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for Confluent's Avro wire format (magic byte {@code 0x00}, 4-byte big-endian
 * schema id, Avro binary). Fetches the writer schema by id from the registry (cached per id) and
 * returns a {@link org.apache.avro.generic.GenericRecord}, or with {@code
 * specific.avro.reader=true} the generated {@link org.apache.avro.specific.SpecificRecord} class,
 * resolved from the writer schema into the reader schema (the generated class's, or the generic
 * reader schema given in {@link SerdeConfig.Builder#readerSchema}) by Avro's evolution rules.
 * {@code null} bytes give {@code null}. Thread-safe.
 *
 * <p>Bad payloads throw {@link EventDecodingException} (with a {@link Reason}); registry failures
 * throw {@link SchemaRegistryAccessException}. Nothing is skipped or defaulted. Inside a {@code
 * KafkaConsumer}, Kafka wraps the exception in a {@code RecordDeserializationException} carrying
 * partition and offset; {@link #deserialize(ConsumerRecord)} puts topic, partition, offset and the
 * outbox event id in the message when decoding records consumed as bytes.
 */
public final class AvroDeserializer implements Deserializer<Object> {

  private BoundedCache<Integer, DatumReader<Object>> readers;
  private SchemaRegistryClient client;
  private SerdeConfig config;
  private boolean isKey;

  /** For Kafka, which then calls {@link #configure(Map, boolean)}. */
  public AvroDeserializer() {}

  /** A value deserializer using this client and config; needs no {@link #configure} call. */
  public AvroDeserializer(SchemaRegistryClient client, SerdeConfig config) {
    this(client, config, false);
  }

  /** A key ({@code isKey} true) or value deserializer; needs no {@link #configure} call. */
  public AvroDeserializer(SchemaRegistryClient client, SerdeConfig config, boolean isKey) {
    this.client = Objects.requireNonNull(client, "client");
    this.config = Objects.requireNonNull(config, "config");
    this.isKey = isKey;
    this.readers = new BoundedCache<>(config.maxSchemas());
  }

  /**
   * Reads {@link SerdeConfig} keys and builds a registry client from {@code schema.registry.url}.
   *
   * @throws org.apache.kafka.common.config.ConfigException naming a missing or bad key
   * @throws IllegalStateException if this instance already has a client
   */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (client != null) {
      throw new IllegalStateException("AvroDeserializer is already configured");
    }
    this.config = SerdeConfig.fromMap(configs);
    this.client = RegistryClients.fromConfig(configs);
    this.isKey = isKey;
    this.readers = new BoundedCache<>(config.maxSchemas());
  }

  @Override
  public Object deserialize(String topic, byte[] data) {
    return decode(new Location(topic, -1, -1L, null, isKey), data);
  }

  /** Like {@link #deserialize(String, byte[])}; error messages add the outbox {@code id} header. */
  @Override
  public Object deserialize(String topic, Headers headers, byte[] data) {
    return decode(new Location(topic, -1, -1L, eventId(headers), isKey), data);
  }

  /**
   * Decodes a payload fetched from this topic, partition and offset, which error messages name.
   * Pass -1 for an unknown partition or offset.
   */
  public Object deserialize(String topic, int partition, long offset, byte[] data) {
    return decode(new Location(topic, partition, offset, null, isKey), data);
  }

  /**
   * Decodes the value (or, for a key deserializer, the key) of a record consumed as bytes; error
   * messages name its topic, partition, offset and outbox event id ({@code id} header).
   */
  public Object deserialize(ConsumerRecord<byte[], byte[]> record) {
    return decode(
        new Location(
            record.topic(), record.partition(), record.offset(), eventId(record.headers()), isKey),
        isKey ? record.key() : record.value());
  }

  private static String eventId(Headers headers) {
    Header id = headers == null ? null : headers.lastHeader("id");
    return id == null || id.value() == null ? null : new String(id.value(), StandardCharsets.UTF_8);
  }

  private Object decode(Location at, byte[] data) {
    if (data == null) {
      return null;
    }
    if (client == null) {
      throw new IllegalStateException(
          "AvroDeserializer is not configured: call configure(...) or use a constructor with a"
              + " client");
    }
    if (data.length == 0) {
      throw at.fail(Reason.TRUNCATED, -1, "the payload is empty (0 bytes)", null);
    }
    if (data[0] != WireFormat.MAGIC_BYTE) {
      throw at.fail(
          Reason.UNKNOWN_MAGIC_BYTE,
          -1,
          String.format(
              "unknown magic byte 0x%02x, expected 0x00: not Confluent wire format (first bytes:"
                  + " %s)",
              data[0], WireFormat.hexPrefix(data, 8)),
          null);
    }
    if (data.length < WireFormat.HEADER_SIZE) {
      throw at.fail(
          Reason.TRUNCATED,
          -1,
          "the payload has "
              + data.length
              + " byte(s); the wire format needs at least 5 (magic byte + 4-byte schema id)",
          null);
    }
    int id = ByteBuffer.wrap(data, 1, 4).getInt();
    DatumReader<Object> reader = readers.get(id);
    if (reader == null) {
      reader = createReader(at, id);
      readers.put(id, reader);
    }
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null);
    Object result;
    try {
      result = reader.read(null, decoder);
    } catch (EOFException e) {
      throw at.fail(
          Reason.TRUNCATED,
          id,
          "the Avro body ("
              + (data.length - WireFormat.HEADER_SIZE)
              + " bytes) ends before the record of schema id "
              + id
              + " does",
          e);
    } catch (IOException | RuntimeException e) {
      throw at.fail(
          Reason.MALFORMED_AVRO,
          id,
          "the Avro body is not a valid encoding of schema id " + id + ": " + e,
          e);
    }
    int trailing = remaining(decoder);
    if (trailing > 0) {
      throw at.fail(
          Reason.MALFORMED_AVRO,
          id,
          trailing + " byte(s) left after the record of schema id " + id + " (wrong schema id?)",
          null);
    }
    return result;
  }

  private DatumReader<Object> createReader(Location at, int id) {
    Schema writer;
    try {
      writer = client.schemaById(id);
    } catch (SchemaNotFoundException e) {
      throw at.fail(
          Reason.UNKNOWN_SCHEMA_ID,
          id,
          "schema id "
              + id
              + " is not in the registry (error_code "
              + e.errorCode()
              + "): the producer used another registry, or the schema was deleted",
          e);
    } catch (SchemaRegistryException e) {
      throw new SchemaRegistryAccessException(
          "Cannot fetch writer schema id " + id + " for " + at, e);
    }
    if (config.specificAvroReader()) {
      Class<?> type = SpecificData.get().getClass(writer);
      if (type == null || writer.getType() != Schema.Type.RECORD) {
        throw at.fail(
            Reason.INCOMPATIBLE_READER,
            id,
            "specific.avro.reader=true but no generated class "
                + writer.getFullName()
                + " is on the classpath",
            null);
      }
      SpecificData model = SpecificData.getForClass(type);
      Schema reader = model.getSchema(type);
      requireCompatible(at, id, reader, writer);
      return new SpecificDatumReader<>(writer, reader, model);
    }
    Schema reader = config.readerSchema(writer.getFullName()).orElse(writer);
    requireCompatible(at, id, reader, writer);
    return new GenericDatumReader<>(writer, reader, GenericData.get());
  }

  private static void requireCompatible(Location at, int id, Schema reader, Schema writer) {
    if (reader == writer) {
      return;
    }
    SchemaCompatibility.SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      throw at.fail(
          Reason.INCOMPATIBLE_READER,
          id,
          "reader schema "
              + reader.getFullName()
              + " cannot read writer schema id "
              + id
              + ": "
              + result.getResult().getIncompatibilities().stream()
                  .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                  .toList(),
          null);
    }
  }

  private static int remaining(BinaryDecoder decoder) {
    try {
      return decoder.isEnd() ? 0 : decoder.inputStream().available();
    } catch (IOException e) {
      return 0; // a byte-array decoder cannot fail here
    }
  }

  /** Where a payload came from, for messages. */
  private record Location(String topic, int partition, long offset, String eventId, boolean isKey) {
    EventDecodingException fail(Reason reason, int schemaId, String problem, Throwable cause) {
      return new EventDecodingException(
          reason,
          "Cannot decode " + this + ": " + problem,
          topic,
          partition,
          offset,
          schemaId,
          cause);
    }

    @Override
    public String toString() {
      String where = (isKey ? "key" : "value") + " of topic '" + topic + "'";
      if (partition >= 0) {
        where += " partition " + partition;
      }
      if (offset >= 0) {
        where += " offset " + offset;
      }
      if (eventId != null) {
        where += " (event id " + eventId + ")";
      }
      return where;
    }
  }
}
