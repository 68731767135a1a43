package dev.relaybox.consumers.host;

import static dev.relaybox.consumers.TestSupport.execute;
import static dev.relaybox.consumers.TestSupport.queryLong;
import static dev.relaybox.consumers.TestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.TestSupport;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.schemas.serde.AvroSerializer;
import dev.relaybox.schemas.serde.SerdeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A user's own consumer service, found on the classpath through META-INF/services and run by the
 * host with nothing but a properties file: it consumes Avro events from the real broker and applies
 * each effect once in the real database.
 */
@ExtendWith(DevStackExtension.class)
class ServiceHostIT {

  private static final Schema CUSTOMER =
      SchemaBuilder.record("CustomerRegistered")
          .namespace("example.greeter")
          .fields()
          .requiredString("name")
          .endRecord();

  @Test
  void runsADiscoveredServiceFromPropertiesOnly(DevStack stack) throws Exception {
    String schema = unique("greeter");
    String prefix = unique("greet");
    String topic = prefix + ".customer";
    stack.kafka().createTopic(topic, 2);
    stack.kafka().createTopic("greeter_" + prefix + ".dlq", 1);
    try (HikariDataSource ds = TestSupport.pool(stack, 2)) {
      execute(ds, "CREATE SCHEMA " + schema);
      execute(ds, "CREATE TABLE " + schema + ".greetings (event_id uuid, text text)");
      sendCustomers(stack, topic, 20);

      HostConfig config =
          HostConfig.builder()
              .setAll(stack.relayProperties())
              .set("schema.registry.url", stack.schemaRegistry().url())
              .set("db.schema", schema)
              .set("topic.pattern", prefix + ".${aggregatetype}")
              .set("greeter.group", "greeter_" + prefix)
              .set("greeter.table", schema + ".greetings")
              .set("greeter.greeting", "welcome")
              .set("http.host", "127.0.0.1")
              .set("http.port", "0")
              .build();
      try (ServiceHost host = ServiceHost.start(config)) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> queryLong(ds, "SELECT count(*) FROM " + schema + ".greetings") == 20);
        await().atMost(Duration.ofSeconds(30)).until(host::isReady);
        assertThat(get(host, "/ready")).isEqualTo(200);
        assertThat(host.runners())
            .extracting(r -> r.groupId())
            .containsExactly("greeter_" + prefix);
      }
      assertThat(
              queryLong(
                  ds,
                  "SELECT count(DISTINCT event_id) FROM "
                      + schema
                      + ".greetings WHERE text LIKE 'welcome customer-%'"))
          .isEqualTo(20);
    }
  }

  static void sendCustomers(DevStack stack, String topic, int n) throws Exception {
    sendCustomers(stack, topic, 0, n);
  }

  /** Sends customers {@code first} to {@code first + n - 1}, each with an event id of its own. */
  static void sendCustomers(DevStack stack, String topic, int first, int n) throws Exception {
    try (AvroSerializer serializer = new AvroSerializer();
        var producer = TestSupport.producer(stack)) {
      serializer.configure(
          Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistry().url()), false);
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
      for (int i = first; i < first + n; i++) {
        GenericRecord customer = new GenericData.Record(CUSTOMER);
        customer.put("name", "customer-" + i);
        ProducerRecord<byte[], byte[]> record =
            new ProducerRecord<>(
                topic,
                ("customer-" + i).getBytes(StandardCharsets.UTF_8),
                serializer.serialize(topic, customer));
        record
            .headers()
            .add(
                ConsumedEvent.ID_HEADER,
                UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        records.add(record);
      }
      for (var record : records) {
        producer.send(record).get();
      }
    }
  }

  private static int get(ServiceHost host, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + host.httpAddress().orElseThrow().getPort() + path);
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
