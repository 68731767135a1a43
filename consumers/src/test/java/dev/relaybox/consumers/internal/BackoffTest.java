package dev.relaybox.consumers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;

class BackoffTest {

  private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));

  @RepeatedTest(20)
  void doublesWithJitterUpToTheCap() {
    assertThat(backoff.delayMillis(1)).isBetween(50L, 100L);
    assertThat(backoff.delayMillis(2)).isBetween(100L, 200L);
    assertThat(backoff.delayMillis(3)).isBetween(200L, 400L);
    assertThat(backoff.delayMillis(5)).isBetween(800L, 1600L);
    assertThat(backoff.delayMillis(6)).isBetween(1000L, 2000L);
    assertThat(backoff.delayMillis(1000)).isBetween(1000L, 2000L);
  }
}
