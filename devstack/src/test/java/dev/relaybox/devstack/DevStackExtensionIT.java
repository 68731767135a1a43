package dev.relaybox.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs a fixture class through the JUnit engine and checks what the extension did between tests.
 */
class DevStackExtensionIT {

  @Test
  void aComponentLeftStoppedByAFailedTestIsRunningAgainForTheNextTest() {
    StopsKafkaThenFails.kafkaRunningInSecondTest.set(false);

    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(StopsKafkaThenFails.class))
        .execute()
        .testEvents()
        .assertStatistics(stats -> stats.started(2).failed(1).succeeded(1));

    assertThat(StopsKafkaThenFails.kafkaRunningInSecondTest).isTrue();
  }

  /** Fixture, not run by Failsafe (nested classes are excluded): fails mid-outage, then looks. */
  @ExtendWith(DevStackExtension.class)
  @IsolatedDevStack(postgres = false, schemaRegistry = false, peers = false)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class StopsKafkaThenFails {
    static final AtomicBoolean kafkaRunningInSecondTest = new AtomicBoolean();

    @Test
    @Order(1)
    void stopsKafkaAndFails(DevStack stack) {
      stack.kafka().stop();
      throw new AssertionError("fails while the broker is down");
    }

    @Test
    @Order(2)
    void seesTheBroker(DevStack stack) {
      kafkaRunningInSecondTest.set(stack.kafka().isRunning());
      stack.kafka().createTopic("after-restart", 1);
    }
  }
}
