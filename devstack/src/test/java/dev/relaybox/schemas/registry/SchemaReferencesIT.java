package dev.relaybox.schemas.registry;

import static dev.relaybox.schemas.RegistryClients.fastRetrying;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import dev.relaybox.schemas.serde.AvroDeserializer;
import dev.relaybox.schemas.serde.AvroSerializer;
import dev.relaybox.schemas.serde.SerdeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A schema that uses a type of another subject: registered with a reference (without the type),
 * read back with the reference resolved, and used by the serde, as with Confluent's clients.
 */
@ExtendWith(DevStackExtension.class)
@IsolatedDevStack(postgres = false, kafka = false)
class SchemaReferencesIT {

  private static final String ADDRESS =
      "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"it.refs\",\"fields\":["
          + "{\"name\":\"street\",\"type\":\"string\"},{\"name\":\"city\",\"type\":\"string\"}]}";
  private static final String CUSTOMER =
      "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"it.refs\",\"fields\":["
          + "{\"name\":\"name\",\"type\":\"string\"},"
          + "{\"name\":\"home\",\"type\":\"it.refs.Address\"},"
          + "{\"name\":\"work\",\"type\":[\"null\",\"it.refs.Address\"],\"default\":null}]}";

  private static DevStack.SchemaRegistry registry;

  private final String id = UUID.randomUUID().toString();
  private final String addressSubject = "it-address-" + id;
  private final String topic = "it-customers-" + id;
  private final String customerSubject = topic + "-value";

  @BeforeAll
  static void registry(DevStack stack) {
    registry = stack.schemaRegistry();
  }

  @Test
  void aSchemaWithAReferenceIsRegisteredWithoutTheTypeAndReadWithItResolved() throws Exception {
    Schema.Parser parser = new Schema.Parser();
    Schema address = parser.parse(ADDRESS);
    Schema customer = parser.parse(CUSTOMER);
    SchemaRegistryClient client = fastRetrying(registry.url());
    client.register(addressSubject, address);
    SchemaReference reference = new SchemaReference("it.refs.Address", addressSubject, 1);

    int customerId = client.register(customerSubject, customer, List.of(reference));

    JsonNode stored = get("/schemas/ids/" + customerId);
    assertThat(stored.path("schema").asText()).contains("\"Address\"").doesNotContain("street");
    assertThat(stored.path("references").get(0).path("subject").asText()).isEqualTo(addressSubject);
    SchemaRegistryClient fresh = fastRetrying(registry.url());
    assertThat(fresh.schemaById(customerId)).isEqualTo(customer);
    RegisteredSchema latest = fresh.latestVersion(customerSubject);
    assertThat(latest.schema()).isEqualTo(customer);
    assertThat(latest.references()).containsExactly(reference);
    assertThat(fresh.register(customerSubject, customer, List.of(reference))).isEqualTo(customerId);
  }

  @Test
  void theSerdeRoundTripsARecordThatUsesAReferencedType() {
    Schema.Parser parser = new Schema.Parser();
    Schema address = parser.parse(ADDRESS);
    Schema customer = parser.parse(CUSTOMER);
    SchemaRegistryClient client = fastRetrying(registry.url());
    client.register(addressSubject, address);
    int customerId =
        client.register(
            customerSubject,
            customer,
            List.of(new SchemaReference("it.refs.Address", addressSubject, 1)));
    GenericRecord home = new GenericData.Record(address);
    home.put("street", "1 Rue de la Paix");
    home.put("city", "Paris");
    GenericRecord ada = new GenericData.Record(customer);
    ada.put("name", "Ada");
    ada.put("home", home);

    // A producer that uses the registered version instead of registering its own inlined copy.
    AvroSerializer serializer =
        new AvroSerializer(
            client,
            SerdeConfig.builder().autoRegisterSchemas(false).useLatestVersion(true).build());
    byte[] bytes = serializer.serialize(topic, ada);
    AvroDeserializer deserializer =
        new AvroDeserializer(fastRetrying(registry.url()), SerdeConfig.defaults());
    GenericRecord read = (GenericRecord) deserializer.deserialize(topic, bytes);

    assertThat(java.nio.ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(customerId);
    assertThat(read).isEqualTo(ada);
    assertThat(((GenericRecord) read.get("home")).get("city").toString()).isEqualTo("Paris");
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(registry.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body());
  }
}
