package dev.relaybox.schemas.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.schemas.registry.CompatibilityLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompatibilityGateTest {

  private static final String V1 =
      """
      {"type":"record","name":"Thing","namespace":"t","fields":[
        {"name":"id","type":"string"},
        {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
          {"name":"quantity","type":"int"}]}}}]}
      """;

  @TempDir Path dir;

  private Path current(String schema) throws IOException {
    Path avro = Files.createDirectories(dir.resolve("avro"));
    Files.writeString(avro.resolve("Thing.avsc"), schema);
    return avro;
  }

  private Path released(String schema) throws IOException {
    Path released = Files.createDirectories(dir.resolve("released/Thing"));
    Files.writeString(released.resolve("v1.avsc"), schema);
    return released.getParent();
  }

  @Test
  void fieldWithoutDefaultIsReportedWithFieldAndRule() throws IOException {
    Path avro =
        current(
            V1.replace(
                "{\"name\":\"id\",\"type\":\"string\"}",
                "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"note\",\"type\":\"string\"}"));

    assertThat(CompatibilityGate.check(avro, released(V1)))
        .singleElement()
        .asString()
        .contains("contract t.Thing", "released v1.avsc", "field 'note'")
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE");
  }

  @Test
  void nestedTypeChangeIsReportedWithItsPath() throws IOException {
    Path avro =
        current(V1.replace("\"quantity\",\"type\":\"int\"", "\"quantity\",\"type\":\"string\""));

    assertThat(CompatibilityGate.check(avro, released(V1)))
        .singleElement()
        .asString()
        .contains("field 'lines[].quantity'", "TYPE_MISMATCH");
  }

  @Test
  void fieldWithDefaultPasses() throws IOException {
    Path avro =
        current(
            V1.replace(
                "{\"name\":\"id\",\"type\":\"string\"}",
                "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"note\",\"type\":\"string\",\"default\":\"\"}"));

    assertThat(CompatibilityGate.check(avro, released(V1))).isEmpty();
  }

  @Test
  void mainFailsTheBuildWithTheReport() throws IOException {
    Path avro = current(V1.replace("\"id\",\"type\":\"string\"", "\"id\",\"type\":\"long\""));
    Path released = released(V1);

    assertThatThrownBy(
            () -> CompatibilityGate.main(new String[] {avro.toString(), released.toString()}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("field 'id' TYPE_MISMATCH");
  }

  @Test
  void removingAReleasedContractIsAViolation() throws IOException {
    Path avro = Files.createDirectories(dir.resolve("empty"));

    assertThat(CompatibilityGate.check(avro, released(V1)))
        .singleElement()
        .asString()
        .contains("contract Thing was released but has no current schema");
  }

  @Test
  void forwardLevelsCheckThatReleasedVersionsReadTheNewOne() throws IOException {
    // Removing a field without a default: a new reader is fine, an old reader breaks.
    String withNote =
        V1.replace(
            "{\"name\":\"id\",\"type\":\"string\"}",
            "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"note\",\"type\":\"string\"}");
    Path avro = current(V1);
    Path released = released(withNote);

    assertThat(CompatibilityGate.check(avro, released, CompatibilityLevel.BACKWARD)).isEmpty();
    assertThat(CompatibilityGate.check(avro, released, CompatibilityLevel.FULL_TRANSITIVE))
        .singleElement()
        .asString()
        .contains("field 'note'", "READER_FIELD_MISSING_DEFAULT_VALUE")
        .contains("the released version cannot read the new one");
  }

  @Test
  void theLevelIsAnOptionOfTheMain() throws IOException {
    String withNote =
        V1.replace(
            "{\"name\":\"id\",\"type\":\"string\"}",
            "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"note\",\"type\":\"string\"}");
    Path avro = current(withNote);
    Path released = released(V1);
    String[] forward = {avro.toString(), released.toString(), "--level=FORWARD_TRANSITIVE"};
    String[] full = {avro.toString(), released.toString(), "--level=full"};

    CompatibilityGate.main(forward);
    assertThatThrownBy(() -> CompatibilityGate.main(full))
        .hasMessageContaining("at FULL")
        .hasMessageContaining("field 'note' READER_FIELD_MISSING_DEFAULT_VALUE");
    assertThatThrownBy(
            () ->
                CompatibilityGate.main(
                    new String[] {avro.toString(), released.toString(), "--level=SIDEWAYS"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown compatibility level SIDEWAYS");
  }
}
