package dev.relaybox.schemas.registry;

import static dev.relaybox.schemas.Parcels.v1;
import static dev.relaybox.schemas.Parcels.v2WithDefault;
import static dev.relaybox.schemas.Parcels.v2WithoutDefault;
import static dev.relaybox.schemas.Parcels.weightAsString;
import static dev.relaybox.schemas.RegistryClients.fastRetrying;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import dev.relaybox.schemas.CountingProxy;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The client against the real dev registry over HTTP. Every test uses its own subjects. */
@ExtendWith(DevStackExtension.class)
@IsolatedDevStack(postgres = false, kafka = false)
class SchemaRegistryClientIT {

  private static DevStack.SchemaRegistry registry;

  private final String subject = "it-" + UUID.randomUUID() + "-value";

  @BeforeAll
  static void registry(DevStack stack) {
    registry = stack.schemaRegistry();
  }

  @Test
  void registersIdempotentlyAndReadsBackEveryWay() {
    SchemaRegistryClient client = fastRetrying(registry.url());

    int id = client.register(subject, v1());
    SchemaRegistryClient fresh = fastRetrying(registry.url());

    assertThat(fresh.register(subject, v1())).isEqualTo(id);
    assertThat(fresh.schemaById(id)).isEqualTo(v1());
    assertThat(fresh.lookup(subject, v1(), false))
        .isEqualTo(new RegisteredSchema(subject, 1, id, v1()));
    assertThat(fresh.version(subject, 1).id()).isEqualTo(id);
    assertThat(fresh.latestVersion(subject).version()).isEqualTo(1);
    assertThat(fresh.versions(subject)).containsExactly(1);
    assertThat(fresh.subjects()).contains(subject);
  }

  @Test
  void evolvesCompatiblyAndRejectsAnIncompatibleSchemaWith409() {
    SchemaRegistryClient client = fastRetrying(registry.url());
    client.register(subject, v1());

    assertThat(client.checkCompatibility(subject, v2WithDefault()).compatible()).isTrue();
    int v2 = client.register(subject, v2WithDefault());
    assertThat(client.latestVersion(subject))
        .isEqualTo(new RegisteredSchema(subject, 2, v2, v2WithDefault()));

    CompatibilityResult check = client.checkCompatibility(subject, 1, v2WithoutDefault());
    assertThat(check.compatible()).isFalse();
    assertThat(String.join(" ", check.messages())).contains("READER_FIELD_MISSING_DEFAULT_VALUE");
    assertThatThrownBy(() -> client.register(subject, weightAsString()))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(409);
              assertThat(e.errorCode()).isEqualTo(409);
            })
        .hasMessageContaining("register schema it.events.Parcel under subject '" + subject + "'")
        .hasMessageContaining("error_code 409");
    assertThat(client.versions(subject)).containsExactly(1, 2);
  }

  @Test
  void reportsMissingThingsWithTheRegistryErrorCodes() {
    SchemaRegistryClient client = fastRetrying(registry.url());

    assertThatThrownBy(() -> client.schemaById(987_654))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    assertThatThrownBy(() -> client.latestVersion(subject))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
    assertThatThrownBy(() -> client.lookup(subject, v1(), false))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
    client.register(subject, v1());
    assertThatThrownBy(() -> client.version(subject, 9))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40402));
    assertThatThrownBy(() -> client.lookup(subject, v2WithDefault(), false))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
  }

  @Test
  void readsAndWritesCompatibilityLevels() {
    SchemaRegistryClient client = fastRetrying(registry.url());
    client.register(subject, v1());

    assertThat(client.compatibility(subject)).isEmpty();
    assertThat(client.setCompatibility(subject, CompatibilityLevel.NONE))
        .isEqualTo(CompatibilityLevel.NONE);
    assertThat(client.compatibility(subject)).contains(CompatibilityLevel.NONE);
    // NONE lets the previously rejected change through, proving the level is applied.
    assertThat(client.register(subject, v2WithoutDefault())).isPositive();
    assertThat(client.compatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
  }

  @Test
  void cacheHitsMakeNoHttpCall() {
    try (CountingProxy proxy = new CountingProxy(registry.url())) {
      SchemaRegistryClient client = fastRetrying(proxy.url());

      int id = client.register(subject, v1());
      client.register(subject, v1());
      client.schemaById(id); // filled by register
      assertThat(proxy.requests()).containsExactly("POST /subjects/" + subject + "/versions");

      SchemaRegistryClient reader = fastRetrying(proxy.url());
      reader.schemaById(id);
      reader.schemaById(id);
      reader.lookup(subject, v1(), false);
      reader.lookup(subject, v1(), false);
      assertThat(proxy.count("GET /schemas/ids/" + id)).isEqualTo(1);
      assertThat(proxy.count("POST /subjects/" + subject)).isEqualTo(1);
    }
  }

  @Test
  void failsOverFromADeadUrlToTheRegistry() {
    SchemaRegistryClient client = fastRetrying("http://127.0.0.1:1," + registry.url());

    assertThat(client.register(subject, v1())).isPositive();
  }
}
