package dev.relaybox.consumers.saga;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.PermanentEventException;
import dev.relaybox.consumers.TestSupport;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.outbox.CleanupMode;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One saga test's world: a pool, a unique group with its processed keys and saga table, an outbox
 * table (rows retained, so that the commands can be counted), a reply topic, and the saga {@code
 * fulfilment}: charge (refund) → reserve (release; 1 s deadline, compensate) → email (local).
 * Replies are records {@code sagaId|step|ok|compensated|failed:why} sent to the reply topic.
 */
final class SagaFixture implements AutoCloseable {

  static final Schema COMMAND =
      SchemaBuilder.record("Command").fields().requiredString("step").endRecord();

  final String group = TestSupport.unique("saga");
  final String topic = "it." + group;
  final String keysTable = group + "_keys";
  final String outboxTable = group + "_outbox";
  final String emails = group + "_emails";
  final HikariDataSource ds;
  final Outbox outbox;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** While set, the refund compensation fails permanently. */
  final AtomicBoolean refundBroken = new AtomicBoolean();

  final SagaDefinition<String> fulfilment;
  final Sagas sagas;
  private final DevStack stack;

  SagaFixture(DevStack stack) throws SQLException {
    this.stack = stack;
    ds = TestSupport.pool(stack, 6);
    stack.kafka().createTopic(topic, 1);
    outbox =
        Outbox.builder()
            .table(outboxTable)
            .cleanupMode(CleanupMode.RETAIN)
            .serializer((t, data) -> data.toString().getBytes(UTF_8))
            .build();
    outbox.migrate(ds);
    TestSupport.execute(ds, "CREATE TABLE " + emails + " (saga_id text, body text)");
    fulfilment =
        SagaDefinition.builder("fulfilment", SagaDataCodec.json(String.class))
            .step("charge")
            .action(s -> command(s, "charge"))
            .compensation(
                s -> {
                  command(s, "refund");
                  if (refundBroken.get()) {
                    throw new PermanentEventException("payment gateway refuses refunds");
                  }
                })
            .step("reserve")
            .action(s -> command(s, "reserve"))
            .compensation(s -> command(s, "release"))
            .deadline(Duration.ofSeconds(1), OnTimeout.COMPENSATE)
            .onReply((data, reply) -> data + "+reserved")
            .step("email")
            .action(
                s -> {
                  try (var ps =
                      s.tx().prepareStatement("INSERT INTO " + emails + " VALUES (?, ?)")) {
                    ps.setString(1, s.sagaId());
                    ps.setString(2, s.data());
                    ps.executeUpdate();
                  }
                })
            .local()
            .build();
    sagas =
        Sagas.builder()
            .dataSource(ds)
            .outbox(outbox)
            .processedKeysTable("public", keysTable)
            .saga(fulfilment)
            .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
            .pollInterval(Duration.ofMillis(100))
            .stuckAfter(Duration.ofSeconds(2))
            .meterRegistry(registry)
            .build()
            .start();
  }

  private void command(SagaContext<String> saga, String step) throws SQLException {
    GenericData.Record payload = new GenericData.Record(COMMAND);
    payload.put("step", step);
    saga.publish(
        OutboxEvent.builder()
            .aggregateType(step)
            .aggregateId(saga.sagaId())
            .type(step + "-command")
            .payload(payload)
            .build());
  }

  /** Begins a saga in a transaction of its own. */
  boolean begin(String sagaId) throws SQLException {
    try (Connection tx = ds.getConnection()) {
      tx.setAutoCommit(false);
      boolean begun = sagas.begin(tx, fulfilment, sagaId, "order " + sagaId);
      tx.commit();
      return begun;
    }
  }

  /** A runner applying the reply topic's records to the sagas. */
  ConsumerRunner.Builder runner() {
    return TestSupport.runner(stack, ds, group, topic)
        .meterRegistry(registry)
        .handler(sagas.replyHandler(fulfilment, SagaFixture::reply));
  }

  private static SagaReply reply(ConsumedEvent event) {
    String[] parts = ((String) event.value()).split("\\|", 3);
    return switch (parts[2]) {
      case "ok" -> SagaReply.succeeded(parts[0], parts[1]);
      case "compensated" -> SagaReply.compensated(parts[0], parts[1]);
      default -> SagaReply.failed(parts[0], parts[1], parts[2].substring("failed:".length()));
    };
  }

  /** A reply record with a new event id. */
  ProducerRecord<byte[], byte[]> reply(String sagaId, String step, String outcome) {
    return reply(UUID.randomUUID(), sagaId, step, outcome);
  }

  ProducerRecord<byte[], byte[]> reply(UUID id, String sagaId, String step, String outcome) {
    return TestSupport.event(topic, id, sagaId, sagaId + "|" + step + "|" + outcome);
  }

  void send(List<ProducerRecord<byte[], byte[]>> replies) throws Exception {
    TestSupport.sendAll(stack, replies);
  }

  SagaState state(String sagaId) throws SQLException {
    return SagaAdmin.of(ds, "public", keysTable).find("fulfilment", sagaId).orElseThrow();
  }

  /** Commands published for the saga, by type, in the order written. */
  List<String> commands(String sagaId) throws SQLException {
    List<String> out = new java.util.ArrayList<>();
    try (Connection c = ds.getConnection();
        var ps =
            c.prepareStatement(
                "SELECT aggregatetype FROM "
                    + outboxTable
                    + " WHERE aggregateid = ? ORDER BY created_at, id")) {
      ps.setString(1, sagaId);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  long emails(String sagaId) throws SQLException {
    return TestSupport.queryLong(
        ds, "SELECT count(*) FROM " + emails + " WHERE saga_id = '" + sagaId + "'");
  }

  double meter(String name) {
    var gauge = registry.find(name).tag("type", "fulfilment").gauge();
    if (gauge != null) {
      return gauge.value();
    }
    return registry.find(name).tag("type", "fulfilment").counter().count();
  }

  @Override
  public void close() {
    sagas.close();
    outbox.close();
    ds.close();
  }
}
