package dev.relaybox.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.connector.postgresql.connection.Lsn;
import io.debezium.connector.postgresql.connection.ReplicationMessage;
import io.debezium.connector.postgresql.connection.ReplicationMessage.Operation;
import io.debezium.connector.postgresql.connection.WalPositionLocator;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Drives Debezium's real {@link WalPositionLocator} (the class that decides where a restarted
 * Postgres connector resumes) with the resume offsets the relay commits, over pgoutput streams
 * shaped like those observed on Postgres 17: several changes at one LSN (COPY), a transaction that
 * started before the previous one committed, a change at exactly the previous commit's end LSN. For
 * every cut point it checks that Debezium plus the {@link StreamCursor} relay exactly the changes
 * after the cut: none lost, none twice. A Debezium upgrade that changes where it resumes fails
 * here.
 */
class ResumeLocatorTest {

  /** A pgoutput message: its LSN as the walsender sends it, and for commits their record start. */
  private record Msg(Operation op, long lsn, long tx, String label, long recordStart) {}

  private static Msg begin(long lsn, long tx) {
    return new Msg(Operation.BEGIN, lsn, tx, null, lsn);
  }

  private static Msg insert(long lsn, long tx, String label) {
    return new Msg(Operation.INSERT, lsn, tx, label, lsn);
  }

  /** A COMMIT is sent at its record's end; Postgres skips it on restart if it starts before. */
  private static Msg commit(long start, long end, long tx) {
    return new Msg(Operation.COMMIT, end, tx, null, start);
  }

  /** A non-transactional logical message is sent at its record's end too. */
  private static Msg message(long start, long end) {
    return new Msg(Operation.MESSAGE, end, 0, null, start);
  }

  /** A record as the engine hands it to the relay. */
  private record Delivered(Map<String, Object> offset, String label) {}

  @Test
  void distinctLsnsResumeInsideTheTransaction() {
    List<Msg> wal =
        List.of(
            begin(0x100, 7),
            insert(0x110, 7, "a1"),
            commit(0x120, 0x130, 7),
            begin(0x130, 8),
            insert(0x160, 8, "b1"),
            insert(0x170, 8, "b2"),
            insert(0x180, 8, "b3"),
            commit(0x190, 0x1a0, 8),
            begin(0x1a0, 9),
            insert(0x1b0, 9, "c1"),
            commit(0x1c0, 0x1d0, 9));
    everyCutRelaysTheRestOnce(wal, 0x0f0L);
  }

  @Test
  void aCopyWritesSeveralRowsAtOneLsn() {
    List<Msg> wal =
        List.of(
            begin(0x611618, 740),
            insert(0x611680, 740, "row1"),
            insert(0x611760, 740, "row2"),
            insert(0x6117e0, 740, "row3"),
            commit(0x611860, 0x611890, 740),
            begin(0x611890, 741),
            insert(0x611890, 741, "copy1"),
            insert(0x611890, 741, "copy2"),
            insert(0x611890, 741, "copy3"),
            commit(0x6119c0, 0x6119f0, 741),
            begin(0x6119f0, 742),
            insert(0x611a00, 742, "business+copy0"),
            insert(0x611b00, 742, "copyA"),
            insert(0x611b00, 742, "copyB"),
            commit(0x611c00, 0x611c30, 742));
    everyCutRelaysTheRestOnce(wal, 0x611600L);
  }

  @Test
  void aTransactionThatStartedEarlierHasAChangeAtThePreviousCommitsEnd() {
    // Tx 21 began (0x200) before tx 20 committed; its second change was written right after tx
    // 20's commit record, at 0x300 = the LSN tx 20's COMMIT is sent with.
    List<Msg> wal =
        List.of(
            begin(0x210, 20),
            insert(0x220, 20, "x1"),
            commit(0x2f0, 0x300, 20),
            begin(0x200, 21),
            insert(0x280, 21, "y1"),
            insert(0x300, 21, "y2"),
            insert(0x310, 21, "y3"),
            commit(0x320, 0x330, 21),
            message(0x330, 0x340),
            begin(0x290, 22),
            insert(0x340, 22, "z1"),
            insert(0x350, 22, "z2"),
            commit(0x360, 0x370, 22));
    everyCutRelaysTheRestOnce(wal, 0x1f0L);
  }

  @Test
  void theFirstTransactionsOfANewSlotHaveNoCommitLsn() {
    List<Msg> wal =
        List.of(
            begin(0x500, 3),
            insert(0x510, 3, "f1"),
            insert(0x510, 3, "f2"),
            insert(0x520, 3, "f3"),
            commit(0x530, 0x540, 3),
            begin(0x540, 4),
            insert(0x550, 4, "g1"),
            commit(0x560, 0x570, 4));
    everyCutRelaysTheRestOnce(wal, null);
  }

  /**
   * Relays {@code wal} from the start, with a Debezium heartbeat after every commit or not, commits
   * after every prefix of records (as one engine batch), then restarts from the committed position
   * and checks that the relayed labels are the rest, exactly.
   */
  private static void everyCutRelaysTheRestOnce(List<Msg> wal, Long initialCommit) {
    for (boolean heartbeats : new boolean[] {false, true}) {
      List<Delivered> first = deliver(wal, initialCommit, null, heartbeats);
      List<String> all = labels(first);
      for (int cut = 1; cut <= first.size(); cut++) {
        StreamCursor cursor = new StreamCursor(null);
        List<String> before = relay(cursor, first.subList(0, cut));
        Position committed = cursor.position();
        List<Delivered> again = deliver(wal, initialCommit, committed, heartbeats);
        StreamCursor restarted = new StreamCursor(committed);
        List<String> after = relay(restarted, again);
        List<String> together = new ArrayList<>(before);
        together.addAll(after);
        assertThat(together)
            .as("cut after %d records (heartbeats %s), committed %s", cut, heartbeats, committed)
            .isEqualTo(all);
      }
    }
  }

  private static List<String> relay(StreamCursor cursor, List<Delivered> records) {
    List<String> relayed = new ArrayList<>();
    for (Delivered d : records) {
      if (d.label() == null) {
        cursor.other(d.offset(), null);
      } else if (cursor.change(d.offset(), d.label()) == StreamCursor.Verdict.RELAY) {
        relayed.add(d.label());
      }
    }
    return relayed;
  }

  private static List<String> labels(List<Delivered> records) {
    return records.stream().map(Delivered::label).filter(l -> l != null).toList();
  }

  /**
   * What Debezium 3.6 delivers from {@code wal}: without {@code resume}, everything (a new slot);
   * with it, Postgres starts at max(lsn_proc, confirmed = ack LSN) and sends the transactions whose
   * commit record starts there or later, then Debezium locates and filters as it does.
   */
  private static List<Delivered> deliver(
      List<Msg> wal, Long initialCommit, Position resume, boolean heartbeats) {
    Long lastCommit = initialCommit;
    List<Msg> sent = wal;
    WalPositionLocator locator = null;
    if (resume != null) {
      Map<String, Object> offset = resume.resumeOffset();
      long proc = Position.longValue(offset, Position.LSN_PROC);
      Long commitKey = Position.longValue(offset, Position.LSN_COMMIT);
      lastCommit = commitKey != null ? commitKey : proc;
      long start = Math.max(proc, resume.ackLsn());
      sent = postgresSends(wal, start);
      locator =
          new WalPositionLocator(
              Lsn.valueOf(lastCommit),
              Lsn.valueOf(proc),
              Operation.valueOf((String) offset.get(Position.MESSAGE_TYPE)));
      Optional<Lsn> found = Optional.empty();
      for (Msg m : sent) {
        found = locator.resumeFromLsn(Lsn.valueOf(m.lsn()), proxy(m.op()));
        if (found.isPresent()) {
          break;
        }
      }
      locator.enableFiltering();
    }
    List<Delivered> out = new ArrayList<>();
    for (Msg m : sent) {
      boolean skip = locator != null && locator.skipMessage(Lsn.valueOf(m.lsn()));
      switch (m.op()) {
        case BEGIN -> {}
        case COMMIT -> {
          lastCommit = m.lsn();
          if (heartbeats) {
            out.add(new Delivered(offset(m.lsn(), lastCommit, m.tx(), "COMMIT"), null));
          }
        }
        case MESSAGE -> {
          if (!skip) {
            lastCommit = m.lsn();
            out.add(new Delivered(offset(m.lsn(), lastCommit, 0, "MESSAGE"), null));
          }
        }
        default -> {
          if (!skip) {
            out.add(new Delivered(offset(m.lsn(), lastCommit, m.tx(), "INSERT"), m.label()));
          }
        }
      }
    }
    return out;
  }

  /** Postgres' choice: whole transactions whose commit starts at or after {@code start}. */
  private static List<Msg> postgresSends(List<Msg> wal, long start) {
    List<Msg> out = new ArrayList<>();
    List<Msg> tx = new ArrayList<>();
    for (Msg m : wal) {
      if (m.op() == Operation.MESSAGE) {
        if (m.recordStart() >= start) {
          out.add(m);
        }
        continue;
      }
      tx.add(m);
      if (m.op() == Operation.COMMIT) {
        if (m.recordStart() >= start) {
          out.addAll(tx);
        }
        tx.clear();
      }
    }
    return out;
  }

  private static Map<String, Object> offset(long lsn, Long lastCommit, long tx, String type) {
    Map<String, Object> o = new HashMap<>();
    o.put(Position.LSN, lsn);
    o.put(Position.LSN_PROC, lsn);
    if (lastCommit != null) {
      o.put(Position.LSN_COMMIT, lastCommit);
    }
    o.put(Position.TX_ID, tx);
    o.put(Position.TS_USEC, 1_700_000_000_000_000L + tx);
    o.put(Position.MESSAGE_TYPE, type);
    return o;
  }

  private static ReplicationMessage proxy(Operation op) {
    return (ReplicationMessage)
        Proxy.newProxyInstance(
            ResumeLocatorTest.class.getClassLoader(),
            new Class<?>[] {ReplicationMessage.class},
            (p, method, args) ->
                switch (method.getName()) {
                  case "getOperation" -> op;
                  case "isLastEventForLsn" -> true;
                  case "toString" -> op.toString();
                  default -> null;
                });
  }
}
