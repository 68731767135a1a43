package dev.relaybox.relay.internal;

import static dev.relaybox.relay.internal.StreamCursor.Verdict.RELAY;
import static dev.relaybox.relay.internal.StreamCursor.Verdict.SKIP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.relay.RelayException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamCursorTest {

  private static Map<String, Object> change(long tx, long lsn, Long lsnCommit) {
    Map<String, Object> o = new HashMap<>();
    o.put("txId", tx);
    o.put("lsn", lsn);
    o.put("lsn_proc", lsn);
    if (lsnCommit != null) {
      o.put("lsn_commit", lsnCommit);
    }
    o.put("ts_usec", 1_000_000L * tx);
    o.put("messageType", "INSERT");
    return o;
  }

  private static Map<String, Object> boundary(long lsn, String type) {
    Map<String, Object> o = new HashMap<>();
    o.put("lsn", lsn);
    o.put("lsn_proc", lsn);
    o.put("lsn_commit", lsn);
    o.put("messageType", type);
    return o;
  }

  @Test
  void positionsInsideATransactionCountChangesPerLsnAndResumeFromItsFirstChangeAsBegin() {
    StreamCursor c = new StreamCursor(null);
    assertThat(c.change(change(5, 100, 90L), "e1")).isEqualTo(RELAY);
    assertThat(c.change(change(5, 100, 90L), "e2")).isEqualTo(RELAY);
    Position p = c.position();
    assertThat(p.kind()).isEqualTo(Position.Kind.IN_TX);
    assertThat(p.txId()).isEqualTo(5);
    assertThat(p.lsn()).isEqualTo(100);
    assertThat(p.n()).isEqualTo(1);
    assertThat(p.ackLsn()).isEqualTo(90);
    assertThat(p.lastEventId()).isEqualTo("e2");
    assertThat(p.resumeOffset()).containsEntry("messageType", "BEGIN").containsEntry("lsn", 100L);

    c.other(boundary(120, "COMMIT"), null);
    assertThat(c.position().kind()).isEqualTo(Position.Kind.BOUNDARY);
    assertThat(c.position().ackLsn()).isEqualTo(120);
    assertThat(c.position().resumeOffset()).containsEntry("messageType", "MESSAGE");
  }

  @Test
  void aRedeliveredCopyGroupIsSkippedUpToTheCommittedRowAfterADebeziumTaskRestart() {
    StreamCursor first = new StreamCursor(null);
    first.change(change(7, 200, 150L), "c1");
    first.change(change(7, 200, 150L), "c2");
    Position committed = first.position();

    StreamCursor c = new StreamCursor(committed);
    c.change(change(7, 200, 150L), "c1"); // skipped...
    c.restartDelivery(); // ...the task restarted mid-way and delivers the transaction again
    assertThat(c.change(change(7, 200, 150L), "c1")).isEqualTo(SKIP);
    assertThat(c.change(change(7, 200, 150L), "c2")).isEqualTo(SKIP);
    assertThat(c.change(change(7, 200, 150L), "c3")).isEqualTo(RELAY);
    assertThat(c.position().n()).isEqualTo(2);
  }

  @Test
  void earlierTransactionsSentAgainAreSkippedLaterOnesRelayed() {
    StreamCursor first = new StreamCursor(null);
    first.change(change(8, 300, 250L), "t1");
    StreamCursor c = new StreamCursor(first.position());
    // tx 6 committed before tx 8 started streaming; after a restart Debezium stamps it with the
    // lsn_commit it resumed from
    assertThat(c.change(change(6, 240, 250L), "old")).isEqualTo(SKIP);
    assertThat(c.change(change(6, 241, 200L), "older")).isEqualTo(SKIP);
    assertThat(c.change(change(9, 310, 320L), "next")).isEqualTo(RELAY);
    assertThat(c.position().txId()).isEqualTo(9);
  }

  @Test
  void afterABoundaryOnlyLaterTransactionsAreRelayed() {
    StreamCursor first = new StreamCursor(null);
    first.other(boundary(400, "MESSAGE"), 1_234L);
    Position committed = first.position();
    assertThat(committed.relayedThroughMs()).isEqualTo(1_234L);
    StreamCursor c = new StreamCursor(committed);
    c.other(boundary(400, "MESSAGE"), null); // sent again: passed already
    assertThat(c.position()).isEqualTo(committed);
    assertThat(c.change(change(3, 390, 380L), "before")).isEqualTo(SKIP);
    assertThat(c.change(change(4, 380, 400L), "after")).isEqualTo(RELAY);
    assertThat(c.position().relayedThroughMs()).isEqualTo(1_234L);
  }

  @Test
  void heartbeatsInsideATransactionDoNotMoveThePosition() {
    StreamCursor c = new StreamCursor(null);
    c.change(change(5, 100, 90L), "e1");
    Position p = c.position();
    c.other(change(5, 100, 90L), null);
    Map<String, Object> begin = change(5, 95, 90L);
    begin.put("messageType", "BEGIN");
    c.other(begin, null);
    assertThat(c.position()).isEqualTo(p);
  }

  @Test
  void resumingBeyondTheCommittedChangeFailsLoudly() {
    StreamCursor first = new StreamCursor(null);
    first.change(change(5, 100, 90L), "e1");
    first.change(change(5, 110, 90L), "e2");
    StreamCursor c = new StreamCursor(first.position());
    assertThatThrownBy(() -> c.change(change(5, 130, 90L), "e4"))
        .isInstanceOf(RelayException.class)
        .hasMessageContaining("beyond the committed position");

    // Right after the first change is where Debezium legitimately resumes.
    StreamCursor one = new StreamCursor(null);
    one.change(change(5, 100, 90L), "e1");
    StreamCursor resumed = new StreamCursor(one.position());
    assertThat(resumed.change(change(5, 110, 90L), "e2")).isEqualTo(RELAY);
  }

  @Test
  void aLegacyOffsetIsResumedFromWithoutSkipping() {
    StreamCursor c = new StreamCursor(Position.legacy(change(5, 100, 90L)));
    assertThat(c.change(change(5, 100, 90L), "again")).isEqualTo(RELAY);
  }
}
