package dev.relaybox.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.relay.SlotStatus;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlotPreflightTest {

  private static SlotStatus slot(Long restart, Long confirmed, String walStatus) {
    return new SlotStatus(
        "s", true, false, null, restart, confirmed, walStatus, null, null, null, false, null, -1);
  }

  /** The position after the first change (lsn 500) of a transaction, lsn_commit 480 or none. */
  private static Position inTx(Long lsnCommit) {
    Map<String, Object> o = new HashMap<>();
    o.put("txId", 9L);
    o.put("lsn", 500L);
    o.put("lsn_proc", 500L);
    if (lsnCommit != null) {
      o.put("lsn_commit", lsnCommit);
    }
    o.put("messageType", "INSERT");
    StreamCursor c = new StreamCursor(null);
    c.change(o, "e");
    return c.position();
  }

  @Test
  void aHealthySlotServesThePosition() {
    Position p = inTx(480L);
    assertThat(SlotPreflight.problem(slot(400L, 480L, "reserved"), p, p.ackLsn())).isNull();
    assertThat(SlotPreflight.problem(slot(400L, 470L, "reserved"), p, p.ackLsn())).isNull();
  }

  @Test
  void missingInvalidatedRecreatedOrAdvancedSlotsCannot() {
    Position p = inTx(480L);
    SlotStatus missing =
        new SlotStatus(
            "s", false, false, null, null, null, null, null, null, null, false, null, -1);
    assertThat(SlotPreflight.problem(missing, p, p.ackLsn())).contains("does not exist");
    assertThat(SlotPreflight.problem(slot(null, 480L, "lost"), p, p.ackLsn()))
        .contains("was invalidated (wal_status=lost");
    assertThat(SlotPreflight.problem(slot(600L, 600L, "reserved"), p, p.ackLsn()))
        .contains("no longer holds the WAL")
        .contains("0/258"); // restart_lsn 600
    assertThat(SlotPreflight.problem(slot(450L, 490L, "reserved"), p, p.ackLsn()))
        .contains("is confirmed at 0/1EA, past the relay's committed position 0/1E0");
  }

  @Test
  void insideTheFirstTransactionOfANewSlotOnlyTheRestartLsnCounts() {
    // Its changes may precede the slot's creation point, which it was confirmed at.
    Position first = inTx(null);
    assertThat(SlotPreflight.problem(slot(490L, 520L, "reserved"), first, first.ackLsn())).isNull();
    assertThat(SlotPreflight.problem(slot(510L, 520L, "reserved"), first, first.ackLsn()))
        .contains("no longer holds the WAL");
  }
}
