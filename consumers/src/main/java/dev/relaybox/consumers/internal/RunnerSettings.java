package dev.relaybox.consumers.internal;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;

/**
 * The validated, immutable configuration of a runner, one part per concern; each part validates
 * itself when {@code ConsumerRunner.Builder.build()} creates it.
 */
public record RunnerSettings(
    KafkaSettings kafka,
    HandlerSettings handling,
    ProcessedKeySettings processedKeys,
    RetryPolicy retry,
    Scheduling scheduling,
    MeterRegistry meterRegistry,
    Duration shutdownTimeout) {

  public RunnerSettings {
    Objects.requireNonNull(meterRegistry, "meterRegistry must not be null");
    Checks.requirePositive(shutdownTimeout, "shutdownTimeout");
  }

  /** The consumer group, also the {@code consumer_group} of every table row. */
  public String groupId() {
    return kafka.groupId();
  }
}
