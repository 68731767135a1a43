package dev.relaybox.schemas.serde;

import dev.relaybox.schemas.registry.RegisteredSchema;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import dev.relaybox.schemas.registry.SchemaRegistryException;
import dev.relaybox.schemas.registry.internal.BoundedCache;
import dev.relaybox.schemas.serde.internal.RegistryClients;
import dev.relaybox.schemas.serde.internal.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer writing Avro {@link SpecificRecord}s and {@link
 * org.apache.avro.generic.GenericRecord}s in Confluent's wire format: magic byte {@code 0x00}, the
 * 4-byte big-endian schema id, then the Avro binary encoding. Interchangeable with Confluent's
 * {@code KafkaAvroSerializer} for Avro records and reads the same config keys ({@link
 * SerdeConfig}).
 *
 * <p>Either let Kafka create it ({@code value.serializer=dev.relaybox.schemas.serde.AvroSerializer}
 * plus {@code schema.registry.url}), which calls {@link #configure}, or build it in code with
 * {@link #AvroSerializer(SchemaRegistryClient, SerdeConfig)}. The schema id of each (subject,
 * schema) is resolved once per instance and cached. A {@code null} datum serializes to {@code null}
 * (a tombstone) and touches no registry. Thread-safe.
 *
 * <p>Throws {@link EventEncodingException} for bad data or configuration and {@link
 * SchemaRegistryAccessException} when the registry fails (e.g. 409 incompatible, registry down).
 */
public final class AvroSerializer implements Serializer<Object> {

  private record SubjectSchema(String subject, Schema schema) {}

  private BoundedCache<SubjectSchema, Integer> ids;
  private SchemaRegistryClient client;
  private SerdeConfig config;
  private boolean isKey;

  /** For Kafka, which then calls {@link #configure(Map, boolean)}. */
  public AvroSerializer() {}

  /** A value serializer using this client and config; needs no {@link #configure} call. */
  public AvroSerializer(SchemaRegistryClient client, SerdeConfig config) {
    this(client, config, false);
  }

  /** A key ({@code isKey} true) or value serializer; needs no {@link #configure} call. */
  public AvroSerializer(SchemaRegistryClient client, SerdeConfig config, boolean isKey) {
    this.client = Objects.requireNonNull(client, "client");
    this.config = Objects.requireNonNull(config, "config");
    this.isKey = isKey;
    this.ids = new BoundedCache<>(config.maxSchemas());
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
      throw new IllegalStateException("AvroSerializer is already configured");
    }
    this.config = SerdeConfig.fromMap(configs);
    this.client = RegistryClients.fromConfig(configs);
    this.isKey = isKey;
    this.ids = new BoundedCache<>(config.maxSchemas());
  }

  @Override
  public byte[] serialize(String topic, Object data) {
    if (data == null) {
      return null;
    }
    if (client == null) {
      throw new IllegalStateException(
          "AvroSerializer is not configured: call configure(...) or use a constructor with a"
              + " client");
    }
    if (!(data instanceof GenericContainer container)) {
      throw new EventEncodingException(
          "Cannot serialize "
              + kind()
              + " for topic '"
              + topic
              + "': "
              + data.getClass().getName()
              + " is not an Avro SpecificRecord or GenericRecord");
    }
    Schema schema = container.getSchema();
    String subject = config.subjectNameStrategy(isKey).subject(topic, isKey, schema);
    SubjectSchema key = new SubjectSchema(subject, schema);
    Integer id = ids.get(key);
    if (id == null) {
      id = resolveId(topic, subject, schema);
      ids.put(key, id);
    }
    return write(topic, id, schema, data);
  }

  private int resolveId(String topic, String subject, Schema schema) {
    try {
      if (config.autoRegisterSchemas()) {
        return client.register(subject, schema, config.normalizeSchemas());
      }
      if (config.useSchemaId().isPresent()) {
        int id = config.useSchemaId().getAsInt();
        requireSame(topic, schema, client.schemaById(id), SerdeConfig.USE_SCHEMA_ID + "=" + id);
        return id;
      }
      if (config.useLatestVersion()) {
        RegisteredSchema latest = client.latestVersion(subject);
        requireSame(
            topic,
            schema,
            latest.schema(),
            "latest version "
                + latest.version()
                + " (id "
                + latest.id()
                + ") of '"
                + subject
                + "'");
        return latest.id();
      }
      return client.lookup(subject, schema, config.normalizeSchemas()).id();
    } catch (SchemaRegistryException e) {
      throw new SchemaRegistryAccessException(
          "Cannot get the schema id of "
              + schema.getFullName()
              + " for "
              + kind()
              + " of topic '"
              + topic
              + "' under subject '"
              + subject
              + "'",
          e);
    }
  }

  private void requireSame(String topic, Schema schema, Schema registered, String what) {
    if (!SchemaNormalization.toParsingForm(schema)
        .equals(SchemaNormalization.toParsingForm(registered))) {
      throw new EventEncodingException(
          "Cannot serialize "
              + schema.getFullName()
              + " for topic '"
              + topic
              + "': its schema differs from "
              + what
              + " ("
              + registered.getFullName()
              + "); regenerate the record class or unpin the schema");
    }
  }

  @SuppressWarnings("unchecked")
  private byte[] write(String topic, int id, Schema schema, Object data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    out.write(WireFormat.MAGIC_BYTE);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    GenericData model =
        data instanceof SpecificRecord
            ? SpecificData.getForClass(data.getClass())
            : GenericData.get();
    DatumWriter<Object> writer = (DatumWriter<Object>) model.createDatumWriter(schema);
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writer.write(data, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new EventEncodingException(
          "Cannot serialize "
              + schema.getFullName()
              + " for topic '"
              + topic
              + "': the datum does not match its schema: "
              + e,
          e);
    }
    return out.toByteArray();
  }

  private String kind() {
    return isKey ? "key" : "value";
  }
}
