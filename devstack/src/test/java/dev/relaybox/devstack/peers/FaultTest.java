package dev.relaybox.devstack.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultTest {

  @Test
  void factoriesBuildValidFaults() {
    Fault slow =
        Fault.slow(Duration.ofMillis(200)).withFailRate(0.5).lastingFor(Duration.ofSeconds(1));

    assertThat(slow.mode()).isEqualTo(Fault.Mode.SLOW);
    assertThat(slow.delay()).isEqualTo(Duration.ofMillis(200));
    assertThat(slow.failRate()).isEqualTo(0.5);
    assertThat(slow.duration()).isEqualTo(Duration.ofSeconds(1));
    assertThat(Fault.throttle(7).retryAfterSeconds()).isEqualTo(7);
    assertThat(Fault.none().duration()).isNull();
  }

  @Test
  void badPropertiesAreNamed() {
    assertThatThrownBy(() -> Fault.slow(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay");
    assertThatThrownBy(() -> Fault.crash().withFailRate(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failRate");
    assertThatThrownBy(() -> Fault.throttle(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retryAfterSeconds");
    assertThatThrownBy(() -> Fault.crash().lastingFor(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duration");
  }

  @Test
  void wireNamesRoundTripAndUnknownOnesAreRefused() {
    for (Fault.Mode mode : Fault.Mode.values()) {
      assertThat(Fault.Mode.fromWireName(mode.wireName())).isEqualTo(mode);
    }
    assertThatThrownBy(() -> Fault.Mode.fromWireName("explode"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("none, crash, slow or throttle");
  }
}
