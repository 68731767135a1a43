package dev.relaybox.consumers.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

  @Test
  void headersRoundTripInOrderWithDuplicatesAndNullValues() {
    UUID id = UUID.randomUUID();
    RecordHeaders headers = new RecordHeaders();
    headers.add("id", id.toString().getBytes(UTF_8));
    headers.add("tag", "a".getBytes(UTF_8));
    headers.add("tag", "b".getBytes(UTF_8));
    headers.add("empty", new byte[0]);
    headers.add("none", null);
    var record =
        RecordCodec.record(
            "t", 2, 7, 1234, new byte[0], "v".getBytes(UTF_8), RecordCodec.encode(headers));
    assertThat(record.key()).as("an empty stored key is a record without key").isNull();
    assertThat(record.headers().toArray()).containsExactly(headers.toArray());
    assertThat(record.offset()).isEqualTo(7);
    assertThat(record.timestamp()).isEqualTo(1234);
    assertThat(RecordCodec.eventId(record.headers())).isEqualTo(id);
    assertThat(RecordCodec.key(null)).isEmpty();
  }

  @Test
  void aMissingOrMalformedIdIsNull() {
    RecordHeaders headers = new RecordHeaders();
    assertThat(RecordCodec.eventId(headers)).isNull();
    headers.add("id", "not-a-uuid".getBytes(UTF_8));
    assertThat(RecordCodec.eventId(headers)).isNull();
  }
}
