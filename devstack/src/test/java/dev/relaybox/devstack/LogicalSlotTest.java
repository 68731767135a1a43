package dev.relaybox.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.devstack.LogicalSlot.Change;
import org.junit.jupiter.api.Test;

/** Parsing of {@code test_decoding} lines, as Postgres 17 prints them. */
class LogicalSlotTest {

  @Test
  void anInsertHasItsTableOperationAndEveryColumn() {
    Change change =
        Change.parse(
            "table app.outbox: INSERT: id[uuid]:'0b6c' note[text]:'it''s a '' b[x]: c'"
                + " n[integer]:42 gone[text]:null tags[text[]]:'{a,b}'");

    assertThat(change.table()).isEqualTo("app.outbox");
    assertThat(change.operation()).isEqualTo("INSERT");
    assertThat(change.column("id")).isEqualTo("0b6c");
    assertThat(change.column("note")).isEqualTo("it's a ' b[x]: c");
    assertThat(change.column("n")).isEqualTo("42");
    assertThat(change.column("gone")).isEqualTo("null");
    assertThat(change.column("tags")).isEqualTo("{a,b}");
  }

  @Test
  void anUpdateWithAnOldKeyReadsTheNewTuple() {
    Change change =
        Change.parse(
            "table public.t: UPDATE: old-key: id[integer]:1 new-tuple: id[integer]:2 v[text]:'x'");

    assertThat(change.operation()).isEqualTo("UPDATE");
    assertThat(change.column("id")).isEqualTo("2");
    assertThat(change.column("v")).isEqualTo("x");
  }

  @Test
  void aMissingColumnOrANonRowLineIsReportedWithTheLine() {
    Change delete = Change.parse("table public.t: DELETE: id[integer]:7");
    assertThat(delete.column("id")).isEqualTo("7");
    assertThatThrownBy(() -> delete.column("v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no column 'v'")
        .hasMessageContaining("DELETE: id[integer]:7");
    assertThatThrownBy(() -> Change.parse("table nonsense"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a test_decoding row change");
  }
}
