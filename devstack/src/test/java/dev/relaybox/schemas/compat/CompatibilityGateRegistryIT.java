package dev.relaybox.schemas.compat;

import static dev.relaybox.schemas.RegistryClients.fastRetrying;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import dev.relaybox.schemas.registry.CompatibilityLevel;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The gate takes each contract's level from the registry: its subject's, else the global one. */
@ExtendWith(DevStackExtension.class)
@IsolatedDevStack(postgres = false, kafka = false)
class CompatibilityGateRegistryIT {

  @TempDir Path dir;

  @Test
  void theSubjectsLevelInTheRegistryDecides(DevStack stack) throws Exception {
    String namespace = "it.gate" + UUID.randomUUID().toString().replace("-", "");
    String v1 =
        "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\""
            + namespace
            + "\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
    String v2 = v1.replace("]}", ",{\"name\":\"quantity\",\"type\":\"int\"}]}");
    Path avro = Files.createDirectories(dir.resolve("avro"));
    Path released = Files.createDirectories(dir.resolve("released/Order")).getParent();
    Files.writeString(released.resolve("Order/v1.avsc"), v1);
    Files.writeString(avro.resolve("Order.avsc"), v2);
    SchemaRegistryClient registry = fastRetrying(stack.schemaRegistry().url());
    String subject = namespace + ".Order";
    String url = "--level-from-registry=" + stack.schemaRegistry().url();
    String[] args = {avro.toString(), released.toString(), url};

    // The global level (BACKWARD): a new field without a default breaks it.
    assertThatThrownBy(() -> CompatibilityGate.main(args))
        .hasMessageContaining("field 'quantity' READER_FIELD_MISSING_DEFAULT_VALUE at BACKWARD");

    registry.setCompatibility(subject, CompatibilityLevel.FORWARD);
    CompatibilityGate.main(args);
    assertThat(CompatibilityGate.check(avro, released, CompatibilityGate.fromRegistry(registry)))
        .isEmpty();

    registry.setCompatibility(subject, CompatibilityLevel.FULL_TRANSITIVE);
    assertThat(CompatibilityGate.check(avro, released, CompatibilityGate.fromRegistry(registry)))
        .singleElement()
        .asString()
        .contains("at FULL_TRANSITIVE");
  }
}
