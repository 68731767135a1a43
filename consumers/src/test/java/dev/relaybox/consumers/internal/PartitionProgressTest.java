package dev.relaybox.consumers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartitionProgressTest {

  @Test
  void commitsUpToTheLowestUnsettledOffsetWhateverOrderEventsSettleIn() {
    PartitionProgress p = new PartitionProgress(new HashSet<>());
    assertThat(p.committable(-1)).isEqualTo(-1); // nothing polled yet
    for (long offset : new long[] {10, 11, 12, 15}) { // 13 and 14: a gap (transaction markers)
      assertThat(p.add(offset)).isTrue();
    }
    assertThat(p.committable(-1)).isEqualTo(10);
    p.settle(12);
    p.settle(15);
    assertThat(p.committable(-1)).isEqualTo(10);
    p.settle(10);
    assertThat(p.committable(-1)).isEqualTo(11);
    p.committed(11);
    assertThat(p.committable(-1)).as("nothing new to commit").isEqualTo(-1);
    p.settle(11);
    assertThat(p.committable(-1)).as("past the gap: the next offset to read").isEqualTo(16);
    assertThat(p.unsettledCount()).isZero();
  }

  @Test
  void offsetsFoundInTheSetsAreSettledOnArrival() {
    PartitionProgress p = new PartitionProgress(new HashSet<>(Set.of(5L)));
    assertThat(p.add(4)).isTrue();
    assertThat(p.add(5)).as("in the retry or dead set already").isFalse();
    assertThat(p.add(6)).isTrue();
    p.settle(4);
    assertThat(p.committable(-1)).isEqualTo(6);
    p.settle(6);
    assertThat(p.committable(-1)).isEqualTo(7);
    assertThat(p.settle(5)).isFalse();
  }

  @Test
  void aSettledPartitionCommitsUpToTheFetchPositionPastTrailingMarkers() {
    PartitionProgress p = new PartitionProgress(new HashSet<>());
    assertThat(p.committable(7)).as("nothing polled since assignment").isEqualTo(-1);
    p.add(5);
    assertThat(p.committable(7)).as("5 is unsettled").isEqualTo(5);
    p.settle(5);
    assertThat(p.committable(7)).as("6 is the commit marker of 5's transaction").isEqualTo(7);
    p.committed(7);
    assertThat(p.committable(7)).isEqualTo(-1);
  }
}
