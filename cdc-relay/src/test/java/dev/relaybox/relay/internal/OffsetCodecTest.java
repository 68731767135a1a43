package dev.relaybox.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OffsetCodecTest {
  private final OffsetCodec codec = new OffsetCodec("relay-a");

  @Test
  void theKeyIsKafkaConnectsSoBothGuaranteesShareTheOffsetsTopic() {
    assertThat(new String(codec.key(), StandardCharsets.UTF_8))
        .isEqualTo("[\"relay-a\",{\"server\":\"relay-a\"}]");
    assertThat(codec.isOwnKey("[\"relay-b\",{\"server\":\"relay-b\"}]".getBytes())).isFalse();
  }

  @Test
  void positionsSurviveTheRoundTripAndDebeziumSeesOnlyItsOwnKeysPlusRelayFields() {
    StreamCursor c = new StreamCursor(null);
    c.change(
        Map.of(
            "txId",
            9L,
            "lsn",
            500L,
            "lsn_proc",
            500L,
            "lsn_commit",
            480L,
            "ts_usec",
            77L,
            "messageType",
            "INSERT"),
        "id-1");
    Position p = c.position();
    byte[] bytes = codec.encode(p);
    assertThat(codec.decode(bytes)).isEqualTo(p);
    String json = new String(bytes, StandardCharsets.UTF_8);
    assertThat(json).contains("\"messageType\":\"BEGIN\"").contains("\"relaybox_n\":0");
  }

  @Test
  void anAtLeastOnceOffsetDecodesAsLegacyAndATombstoneAsNothing() {
    byte[] alo = "{\"lsn\":10,\"lsn_proc\":10,\"txId\":3,\"ts_usec\":5}".getBytes();
    Position p = codec.decode(alo);
    assertThat(p.kind()).isEqualTo(Position.Kind.LEGACY);
    assertThat(p.ackLsn()).isEqualTo(10);
    assertThat(codec.decode(null)).isNull();
  }
}
