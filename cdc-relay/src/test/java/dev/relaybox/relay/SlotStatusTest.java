package dev.relaybox.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlotStatusTest {
  private static final long MB = 1024 * 1024;

  private static SlotStatus slot(String walStatus, Long safe, long keep, String reason) {
    return new SlotStatus(
        "s", true, false, null, 1L, 2L, walStatus, safe, 10L, 5L, false, reason, keep);
  }

  @Test
  void theAlertFiresAtThePercentOfTheLimitRetainedOrWhenUnreserved() {
    assertThat(slot("reserved", 30 * MB, 100 * MB, null).walAlert(80)).isFalse();
    assertThat(slot("reserved", 19 * MB, 100 * MB, null).walAlert(80)).isTrue();
    assertThat(slot("extended", 19 * MB, 100 * MB, null).walAlert(50)).isTrue();
    assertThat(slot("unreserved", 0L, 100 * MB, null).walAlert(80)).isTrue();
    assertThat(slot("reserved", null, -1, null).walAlert(80)).as("unbounded").isFalse();
    assertThat(slot("reserved", null, -1, null).unbounded()).isTrue();
  }

  @Test
  void aLostSlotIsInvalidatedAndNeverAnAlert() {
    SlotStatus lost = slot("lost", null, 64 * MB, "wal_removed");
    assertThat(lost.invalidated()).isTrue();
    assertThat(lost.walAlert(80)).isFalse();
    assertThat(lost.walStatusCode()).isEqualTo(3);
    assertThat(slot("reserved", 1L, 64 * MB, null).invalidated()).isFalse();
    SlotStatus missing =
        new SlotStatus(
            "s", false, false, null, null, null, null, null, null, null, false, null, -1);
    assertThat(missing.invalidated()).isFalse();
    assertThat(missing.walStatusCode()).isEqualTo(-1);
  }

  @Test
  void bytesAreShownInBinaryUnits() {
    assertThat(SlotStatus.bytes(null)).isEqualTo("-");
    assertThat(SlotStatus.bytes(512L)).isEqualTo("512 B");
    assertThat(SlotStatus.bytes(64 * MB)).isEqualTo("64.0 MiB");
    assertThat(SlotStatus.bytes(3L * 1024 * MB)).isEqualTo("3.0 GiB");
  }
}
