package dev.relaybox.consumers.saga;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.outbox.CleanupMode;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;

/**
 * The saga of {@link SagaEngineKillNineIT}, shared by the test and its child process: {@code
 * order}: charge (refund) → reserve (release) → email (local: a row in {@code <group>_emails}).
 * Commands are retained outbox rows in {@code <group>_outbox}, aggregate type = command, aggregate
 * id = saga id; replies are {@code sagaId|step|ok|compensated|failed:why} records.
 */
final class KillSagas {

  private static final Schema COMMAND =
      SchemaBuilder.record("Command").fields().requiredString("step").endRecord();

  private KillSagas() {}

  static Outbox outbox(String group) {
    return Outbox.builder()
        .table(group + "_outbox")
        .cleanupMode(CleanupMode.RETAIN)
        .serializer((t, data) -> data.toString().getBytes(UTF_8))
        .build();
  }

  static SagaDefinition<String> definition(String group) {
    String emails = group + "_emails";
    return SagaDefinition.builder("order", SagaDataCodec.json(String.class))
        .step("charge")
        .action(s -> command(s, "charge"))
        .compensation(s -> command(s, "refund"))
        .step("reserve")
        .action(s -> command(s, "reserve"))
        .compensation(s -> command(s, "release"))
        .step("email")
        .action(
            s -> {
              try (var ps = s.tx().prepareStatement("INSERT INTO " + emails + " VALUES (?)")) {
                ps.setString(1, s.sagaId());
                ps.executeUpdate();
              }
            })
        .local()
        .build();
  }

  static Sagas.Builder sagas(
      DataSource ds, String group, Outbox outbox, SagaDefinition<String> definition) {
    return Sagas.builder()
        .dataSource(ds)
        .outbox(outbox)
        .processedKeysTable("public", group + "_keys")
        .saga(definition);
  }

  static SagaReply reply(ConsumedEvent event) {
    String[] parts = ((String) event.value()).split("\\|", 3);
    return switch (parts[2]) {
      case "ok" -> SagaReply.succeeded(parts[0], parts[1]);
      case "compensated" -> SagaReply.compensated(parts[0], parts[1]);
      default -> SagaReply.failed(parts[0], parts[1], parts[2].substring("failed:".length()));
    };
  }

  private static void command(SagaContext<String> saga, String step) throws SQLException {
    GenericData.Record payload = new GenericData.Record(COMMAND);
    payload.put("step", step);
    saga.publish(OutboxEvent.of(step, saga.sagaId(), payload));
  }
}
