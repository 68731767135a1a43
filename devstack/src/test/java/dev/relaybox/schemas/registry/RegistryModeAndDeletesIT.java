package dev.relaybox.schemas.registry;

import static dev.relaybox.schemas.Parcels.v1;
import static dev.relaybox.schemas.Parcels.v2WithDefault;
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

/** The client's mode, delete and cache operations against the real dev registry. */
@ExtendWith(DevStackExtension.class)
@IsolatedDevStack(postgres = false, kafka = false)
class RegistryModeAndDeletesIT {

  private static DevStack.SchemaRegistry registry;

  private final String subject = "it-" + UUID.randomUUID() + "-value";

  @BeforeAll
  static void registry(DevStack stack) {
    registry = stack.schemaRegistry();
  }

  @Test
  void aReadOnlySubjectRefusesRegistrationsUntilItIsWritableAgain() {
    SchemaRegistryClient client = fastRetrying(registry.url());
    client.register(subject, v1());
    assertThat(client.mode()).isEqualTo(RegistryMode.READWRITE);
    assertThat(client.mode(subject)).isEmpty();

    assertThat(client.setMode(subject, RegistryMode.READONLY)).isEqualTo(RegistryMode.READONLY);

    assertThat(client.mode(subject)).contains(RegistryMode.READONLY);
    assertThat(client.mode()).isEqualTo(RegistryMode.READWRITE);
    assertThatThrownBy(() -> client.register(subject, v2WithDefault()))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(42205))
        .hasMessageContaining("read-only");
    assertThatThrownBy(() -> client.deleteSubject(subject, false))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(42205));
    assertThat(client.versions(subject)).containsExactly(1);

    client.setMode(subject, RegistryMode.READWRITE);
    client.register(subject, v2WithDefault());
    assertThat(client.versions(subject)).containsExactly(1, 2);
  }

  @Test
  void deletesVersionsAndSubjectsSoftThenPermanentlyAndForgetsTheirCachedIds() {
    SchemaRegistryClient client = fastRetrying(registry.url());
    int id = client.register(subject, v1());
    client.register(subject, v2WithDefault());

    assertThat(client.deleteVersion(subject, 2, false)).isEqualTo(2);
    assertThat(client.versions(subject)).containsExactly(1);
    assertThatThrownBy(() -> client.deleteVersion(subject, 2, false))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40406));
    assertThat(client.deleteVersion(subject, 2, true)).isEqualTo(2);
    assertThatThrownBy(() -> client.deleteSubject(subject, true))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40405));
    assertThat(client.deleteSubject(subject, false)).containsExactly(1);
    assertThatThrownBy(() -> client.versions(subject))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
    assertThat(client.deleteSubject(subject, true)).containsExactly(1);

    // Had the client kept its cached id, this would not reach the registry and the subject would
    // stay empty.
    assertThat(client.register(subject, v1())).isEqualTo(id);
    assertThat(client.versions(subject)).containsExactly(1);
  }

  @Test
  void theCachesKeepAtMostTheirCapacityLeastRecentlyUsedOutFirst() {
    SchemaRegistryClient writer = fastRetrying(registry.url());
    int first = writer.register(subject, v1());
    int second = writer.register(subject, v2WithDefault());
    try (CountingProxy proxy = new CountingProxy(registry.url())) {
      SchemaRegistryClient client =
          SchemaRegistryClient.builder().urls(proxy.url()).cacheCapacity(1).build();

      client.schemaById(first);
      client.schemaById(first);
      client.schemaById(second);
      client.schemaById(first);

      assertThat(proxy.count("GET /schemas/ids/" + first)).isEqualTo(2);
      assertThat(proxy.count("GET /schemas/ids/" + second)).isEqualTo(1);
    }
  }
}
