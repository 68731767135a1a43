package dev.relaybox.consumers.host;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.config.Setting;
import dev.relaybox.schemas.serde.AvroDeserializer;
import dev.relaybox.schemas.serde.SerdeConfig;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;

/** A consumer service as a user writes one; found through META-INF/services in these tests. */
public final class GreeterService implements ConsumerService {

  static final Setting<String> GREETING =
      Setting.text("greeter.greeting").defaultValue("hello").doc("what to say").build();
  static final Setting<String> TABLE = Setting.text("greeter.table").doc("where to say it").build();

  @Override
  public String name() {
    return "greeter";
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(GREETING, TABLE);
  }

  @Override
  public void start(ServiceContext context) {
    String greeting = context.get(GREETING);
    String table = context.get(TABLE);
    // Generic records: this service has no generated classes, so it overrides the host's
    // specific-record deserializer.
    AvroDeserializer generic = context.closeOnStop(new AvroDeserializer());
    generic.configure(
        Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, context.get(CommonSettings.SCHEMA_REGISTRY_URL)),
        false);
    context.run(
        context
            .runner()
            .deserializer(generic)
            .topics(context.topicFor("customer"))
            .handler(
                (event, tx) -> {
                  try (var insert =
                      tx.prepareStatement(
                          "INSERT INTO " + table + " (event_id, text) VALUES (?, ?)")) {
                    insert.setObject(1, event.eventId());
                    GenericRecord customer = (GenericRecord) event.value();
                    insert.setString(2, greeting + " " + customer.get("name"));
                    insert.executeUpdate();
                  }
                }));
  }
}
