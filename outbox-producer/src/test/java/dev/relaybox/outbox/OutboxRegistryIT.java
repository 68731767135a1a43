package dev.relaybox.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import dev.relaybox.schemas.serde.AvroDeserializer;
import dev.relaybox.schemas.serde.SchemaRegistryAccessException;
import dev.relaybox.schemas.serde.SerdeConfig;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The payload path through the devstack's schema registry. Own stack: the tests stop the registry
 * to prove when it is (not) called.
 */
@ExtendWith(DevStackExtension.class)
@IsolatedDevStack(kafka = false)
class OutboxRegistryIT {
  private final String schema = TestEvents.randomName("outbox_registry_it");

  /** A record name of this test's own, so its subject is new to the registry. */
  private final Schema recordSchema =
      SchemaBuilder.record("ThingHappened")
          .namespace("dev.relaybox.outbox.test." + TestEvents.randomName("r"))
          .fields()
          .name("eventId")
          .type(LogicalTypes.uuid().addToSchema(Schema.create(Schema.Type.STRING)))
          .noDefault()
          .requiredString("note")
          .endRecord();

  private DevStack stack;
  private DataSource dataSource;
  private final List<Outbox> outboxes = new ArrayList<>();

  @BeforeEach
  void setUp(DevStack stack) {
    this.stack = stack;
    stack.schemaRegistry().start();
    dataSource = stack.postgres().dataSource();
    outbox(false).migrate(dataSource);
  }

  @AfterEach
  void tearDown() throws SQLException {
    stack.schemaRegistry().start();
    outboxes.forEach(Outbox::close);
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @Test
  void payloadIsConfluentWireFormatUnderRecordNameStrategyAndDecodesWithTheSchemasSerde()
      throws SQLException {
    Outbox outbox = outbox(false);
    GenericRecord record = record("hello");
    OutboxEvent event = OutboxEvent.of("thing", "t-1", record);
    publishAndCommit(outbox, event);

    byte[] payload = onlyPayload();
    SchemaRegistryClient client =
        SchemaRegistryClient.builder().urls(stack.schemaRegistry().url()).build();
    int id = client.lookup(recordSchema.getFullName(), recordSchema, false).id();
    assertThat(payload[0]).as("magic byte").isZero();
    assertThat(ByteBuffer.wrap(payload, 1, 4).getInt()).as("schema id").isEqualTo(id);

    Object decoded =
        new AvroDeserializer(client, SerdeConfig.defaults())
            .deserialize(outbox.topicFor("thing"), payload);
    assertThat(decoded).isInstanceOf(GenericRecord.class);
    assertThat(((GenericRecord) decoded).get("eventId").toString())
        .isEqualTo(event.id().toString());
    assertThat(((GenericRecord) decoded).get("note").toString()).isEqualTo("hello");
  }

  @Test
  void warmedUpSchemasNeedNoRegistryInsideTheTransaction() throws SQLException {
    Outbox outbox = outbox(true);
    stack.schemaRegistry().stop();

    publishAndCommit(outbox, OutboxEvent.of("thing", "t-1", record("while the registry is down")));

    assertThat(onlyPayload()[0]).isZero();
  }

  @Test
  void withoutWarmUpARegistryOutageFailsThePublishAndNothingIsWritten() throws SQLException {
    Outbox outbox = outbox(false);
    stack.schemaRegistry().stop();

    try (Connection tx = dataSource.getConnection()) {
      tx.setAutoCommit(false);
      assertThatThrownBy(() -> outbox.publish(tx, OutboxEvent.of("thing", "t-1", record("x"))))
          .isInstanceOf(SchemaRegistryAccessException.class)
          .hasMessageContaining(recordSchema.getFullName());
      tx.commit();
    }
    assertThat(rowCount()).isZero();

    stack.schemaRegistry().start();
    publishAndCommit(outbox, OutboxEvent.of("thing", "t-1", record("after the outage")));
    assertThat(rowCount()).isEqualTo(1);
  }

  private Outbox outbox(boolean warmUp) {
    Outbox.Builder builder =
        Outbox.builder()
            .schema(schema)
            .cleanupMode(CleanupMode.RETAIN)
            .schemaRegistryUrl(stack.schemaRegistry().url());
    if (warmUp) {
      builder.warmUp(recordSchema);
    }
    Outbox outbox = builder.build();
    outboxes.add(outbox);
    return outbox;
  }

  private GenericRecord record(String note) {
    GenericRecord record = new GenericData.Record(recordSchema);
    record.put("eventId", java.util.UUID.randomUUID().toString());
    record.put("note", note);
    return record;
  }

  private void publishAndCommit(Outbox outbox, OutboxEvent event) throws SQLException {
    try (Connection tx = dataSource.getConnection()) {
      tx.setAutoCommit(false);
      outbox.publish(tx, event);
      tx.commit();
    }
  }

  private byte[] onlyPayload() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement select = c.prepareStatement("SELECT payload FROM " + schema + ".outbox");
        ResultSet rs = select.executeQuery()) {
      assertThat(rs.next()).isTrue();
      byte[] payload = rs.getBytes(1);
      assertThat(rs.next()).as("exactly one row").isFalse();
      return payload;
    }
  }

  private long rowCount() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + ".outbox")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
