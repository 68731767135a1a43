package dev.relaybox.schemas.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.schemas.registry.CompatibilityLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractReleaseTest {

  private static final String V1 =
      "{\"type\":\"record\",\"name\":\"Thing\",\"namespace\":\"t\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"string\"}]}";
  private static final String V2 =
      V1.replace("]}", ",{\"name\":\"note\",\"type\":\"string\",\"default\":\"\"}]}");
  private static final String BREAKING = V1.replace("\"string\"", "\"long\"");

  @TempDir Path dir;

  @Test
  void releasesANewContractAsV1AndAChangedOneAsTheNextVersionOnce() throws IOException {
    Path avro = Files.createDirectories(dir.resolve("avro"));
    Path released = dir.resolve("released");
    Files.writeString(avro.resolve("Thing.avsc"), V1);

    assertThat(release(avro, released, "Thing")).containsExactly("released Thing as Thing/v1.avsc");
    Files.writeString(avro.resolve("Thing.avsc"), V2);
    assertThat(release(avro, released, "--all")).containsExactly("released Thing as Thing/v2.avsc");
    assertThat(release(avro, released, "Thing"))
        .containsExactly("Thing is already released as v2.avsc");

    assertThat(released.resolve("Thing/v2.avsc")).hasContent(V2);
    assertThat(CompatibilityGate.check(avro, released)).isEmpty();
  }

  @Test
  void anIncompatibleChangeIsNotReleased() throws IOException {
    Path avro = Files.createDirectories(dir.resolve("avro"));
    Path released = Files.createDirectories(dir.resolve("released/Thing")).getParent();
    Files.writeString(released.resolve("Thing/v1.avsc"), V1);
    Files.writeString(avro.resolve("Thing.avsc"), BREAKING);

    assertThatThrownBy(() -> release(avro, released, "Thing"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nothing released")
        .hasMessageContaining("field 'id' TYPE_MISMATCH");
    assertThat(released.resolve("Thing/v2.avsc")).doesNotExist();
    assertThatThrownBy(() -> release(avro, released, "Other"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contracts here: [Thing]");
  }

  private static java.util.List<String> release(Path avro, Path released, String name)
      throws IOException {
    return ContractRelease.release(avro, released, name, CompatibilityLevel.BACKWARD_TRANSITIVE);
  }
}
