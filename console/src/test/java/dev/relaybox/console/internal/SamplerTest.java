package dev.relaybox.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.console.internal.Sampler.Point;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplerTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private static Point at(int second, long wal) {
    return new Point(T0.plusSeconds(second), 0, wal, 0, Map.of(), Map.of(), Map.of());
  }

  @Test
  void theSlotIsAsFarBehindAsTheFirstSampleThatSawTheWalBeyondIt() {
    List<Point> points = List.of(at(0, 100), at(2, 100), at(4, 150), at(6, 300), at(8, 400));
    Sampler.LagTime lag = Sampler.lagTime(points, 120, T0.plusSeconds(8));
    assertThat(lag.lag()).isEqualTo(Duration.ofSeconds(4));
    assertThat(lag.atLeast()).isFalse();
  }

  @Test
  void aSlotBehindTheOldestSampleIsAtLeastThatOld() {
    List<Point> points = List.of(at(0, 200), at(2, 300));
    Sampler.LagTime lag = Sampler.lagTime(points, 120, T0.plusSeconds(2));
    assertThat(lag.lag()).isEqualTo(Duration.ofSeconds(2));
    assertThat(lag.atLeast()).isTrue();
  }

  @Test
  void aSlotAtTheWalIsNotBehind() {
    Sampler.LagTime lag = Sampler.lagTime(List.of(at(0, 100), at(2, 120)), 120, T0);
    assertThat(lag.lag()).isZero();
  }
}
