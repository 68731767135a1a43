package dev.relaybox.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import dev.relaybox.schemas.SampleEvents;
import dev.relaybox.schemas.registry.RegistryUnavailableException;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import dev.relaybox.schemas.samples.OrderPlaced;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real registry stopped and started again: serde fails clearly, then recovers. */
@ExtendWith(DevStackExtension.class)
@IsolatedDevStack(postgres = false, kafka = false)
class RegistryOutageIT {

  private final String topic = "it-" + UUID.randomUUID();

  @Test
  void registryDownFailsAfterBoundedRetriesThenRecovers(DevStack stack) {
    DevStack.SchemaRegistry registry = stack.schemaRegistry();
    SchemaRegistryClient writerClient =
        SchemaRegistryClient.builder()
            .urls(registry.url())
            .maxRetries(3)
            .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
            .build();
    byte[] bytes =
        new AvroSerializer(writerClient, SerdeConfig.defaults())
            .serialize(topic, SampleEvents.orderPlaced());
    AvroDeserializer reader =
        new AvroDeserializer(
            SchemaRegistryClient.builder()
                .urls(registry.url())
                .maxRetries(3)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .build(),
            SerdeConfig.builder().specificAvroReader(true).build());

    registry.stop();
    long start = System.nanoTime();
    assertThatThrownBy(() -> reader.deserialize(topic, bytes))
        .isInstanceOfSatisfying(
            SchemaRegistryAccessException.class,
            e -> {
              assertThat(e.isRetriable()).isTrue();
              assertThat(e.registryError()).isInstanceOf(RegistryUnavailableException.class);
            })
        .isNotInstanceOf(EventDecodingException.class)
        .hasMessageContaining("for value of topic '" + topic + "'")
        .hasMessageContaining("unavailable after 4 attempt(s)");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    // 3 backoffs of 50 + 100 + 200 ms, plus fast connection refusals.
    assertThat(took).isBetween(Duration.ofMillis(350), Duration.ofSeconds(5));

    AvroSerializer newSerializer =
        new AvroSerializer(
            SchemaRegistryClient.builder().urls(registry.url()).maxRetries(0).build(),
            SerdeConfig.defaults());
    assertThatThrownBy(() -> newSerializer.serialize(topic, SampleEvents.orderPlaced()))
        .isInstanceOfSatisfying(
            SchemaRegistryAccessException.class, e -> assertThat(e.isRetriable()).isTrue());

    registry.start();
    assertThat(reader.deserialize(topic, bytes)).isInstanceOf(OrderPlaced.class);
    assertThat(newSerializer.serialize(topic, SampleEvents.orderPlaced())).isEqualTo(bytes);
  }
}
