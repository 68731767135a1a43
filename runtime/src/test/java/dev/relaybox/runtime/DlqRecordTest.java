package dev.relaybox.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.DeadLetterHeaders;
import dev.relaybox.runtime.internal.DlqRecord;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class DlqRecordTest {

  private static Header h(String key, String value) {
    return new RecordHeader(key, value.getBytes(UTF_8));
  }

  private static DlqRecord record(byte[] value, Header... headers) {
    return new DlqRecord("x.dlq", 0, 7, 0L, "k".getBytes(UTF_8), value, List.of(headers));
  }

  @Test
  void theLastHeaderOfANameWinsBecauseARedrivenRecordCanFailAgain() {
    DlqRecord r =
        record(
            null,
            h(DeadLetterHeaders.REASON, "permanent"),
            h(DeadLetterHeaders.REASON, "retries-exhausted"));
    assertThat(r.reason()).isEqualTo("retries-exhausted");
  }

  @Test
  void originalHeadersDropDiagnosticsAndOldRedriveMarkersButKeepTheEventId() {
    DlqRecord r =
        record(
            null,
            h(ConsumedEvent.ID_HEADER, "e-1"),
            h("traceparent", "00-aa"),
            h(DlqRecord.REDRIVEN_FROM, "x.dlq:0:1"),
            h(DeadLetterHeaders.ORIGINAL_TOPIC, "t"),
            h(DeadLetterHeaders.LAST_FAILURE, "2026-11-22T10:00:00Z"));
    assertThat(r.originalHeaders())
        .extracting(Header::key)
        .containsExactly(ConsumedEvent.ID_HEADER, "traceparent");
  }

  @Test
  void hasOriginNeedsTopicPartitionAndOffset() {
    assertThat(
            record(
                    null,
                    h(DeadLetterHeaders.ORIGINAL_TOPIC, "t"),
                    h(DeadLetterHeaders.ORIGINAL_PARTITION, "2"),
                    h(DeadLetterHeaders.ORIGINAL_OFFSET, "9"))
                .hasOrigin())
        .isTrue();
    assertThat(
            record(
                    null,
                    h(DeadLetterHeaders.ORIGINAL_TOPIC, "t"),
                    h(DeadLetterHeaders.ORIGINAL_PARTITION, "two"),
                    h(DeadLetterHeaders.ORIGINAL_OFFSET, "9"))
                .hasOrigin())
        .isFalse();
    assertThat(record(null).hasOrigin()).isFalse();
  }

  @Test
  void theSchemaIdIsReadOnlyFromTheConfluentWireFormat() {
    assertThat(record(new byte[] {0, 0, 0, 1, 2, 9}).schemaId()).contains(258);
    assertThat(record(new byte[] {1, 0, 0, 1, 2, 9}).schemaId()).isEmpty();
    assertThat(record(new byte[] {0, 0, 0}).schemaId()).isEmpty();
    assertThat(record(null).schemaId()).isEmpty();
  }

  @Test
  void bytesPrintAsTextOrHex() {
    assertThat(DlqRecord.text("order-1".getBytes(UTF_8))).isEqualTo("order-1");
    assertThat(DlqRecord.text(new byte[] {(byte) 0xff, 0x01})).isEqualTo("0xff01");
    assertThat(DlqRecord.text(new byte[] {'a', 0x07})).isEqualTo("0x6107");
    assertThat(DlqRecord.text(null)).isNull();
  }

  @Test
  void filtersMatchGroupReasonAndFullOrSimpleErrorClass() {
    DlqRecord r =
        record(
            null,
            h(DeadLetterHeaders.CONSUMER_GROUP, "payments"),
            h(DeadLetterHeaders.REASON, "permanent"),
            h(DeadLetterHeaders.ERROR_CLASS, "dev.relaybox.consumers.PermanentEventException"));
    assertThat(r.matches(null, null, null)).isTrue();
    assertThat(r.matches("payments", "permanent", "PermanentEventException")).isTrue();
    assertThat(r.matches(null, null, "dev.relaybox.consumers.PermanentEventException")).isTrue();
    assertThat(r.matches(null, null, "EventException")).isFalse();
    assertThat(r.matches("email", null, null)).isFalse();
    assertThat(r.matches(null, "retries-exhausted", null)).isFalse();
  }

  @Test
  void timeoutsAcceptShortAndIsoDurations() {
    DurationConverter converter = new DurationConverter();
    assertThat(converter.convert("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(converter.convert("PT1M")).isEqualTo(Duration.ofMinutes(1));
    assertThatThrownBy(() -> converter.convert("soon"))
        .hasMessageContaining("expected a positive duration such as 10s");
    assertThatThrownBy(() -> converter.convert("0s")).hasMessageContaining("positive");
  }
}
