package dev.relaybox.outbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.Serializer;

/** A test event schema and helpers shared by the outbox tests. */
final class TestEvents {
  static final Schema SCHEMA =
      SchemaBuilder.record("ThingHappened")
          .namespace("dev.relaybox.outbox.test")
          .fields()
          .name("eventId")
          .type(LogicalTypes.uuid().addToSchema(Schema.create(Schema.Type.STRING)))
          .noDefault()
          .requiredString("note")
          .endRecord();

  /**
   * Plain Avro binary, no registry: for the tests about transactions, where the payload bytes do
   * not matter. The registry path is covered by {@code OutboxRegistryIT}.
   */
  static final Serializer<Object> AVRO_BINARY =
      (topic, data) -> {
        IndexedRecord record = (IndexedRecord) data;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
          new GenericDatumWriter<IndexedRecord>(record.getSchema()).write(record, encoder);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return out.toByteArray();
      };

  private TestEvents() {}

  static GenericRecord thing(String note) {
    GenericRecord record = new GenericData.Record(SCHEMA);
    record.put("eventId", UUID.randomUUID().toString());
    record.put("note", note);
    return record;
  }

  static OutboxEvent event(String aggregateId, String note) {
    return OutboxEvent.of("thing", aggregateId, thing(note));
  }

  /** A fresh lower-case identifier, so test classes on the shared stack never share a table. */
  static String randomName(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }
}
