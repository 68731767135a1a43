package dev.relaybox.consumers.saga.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The saga meters, tag {@code type}: gauges {@code relaybox.saga.stuck} and {@code
 * relaybox.saga.parked} (counted by the poller), counters {@code relaybox.saga.replies.ignored} and
 * {@code relaybox.saga.timeouts}.
 */
final class SagaMetrics {

  private final Map<String, AtomicLong> stuck = new HashMap<>();
  private final Map<String, AtomicLong> parked = new HashMap<>();
  private final Map<String, Counter> ignored = new HashMap<>();
  private final Map<String, Counter> timeouts = new HashMap<>();

  SagaMetrics(MeterRegistry registry, Collection<String> types) {
    for (String type : types) {
      stuck.put(type, gauge(registry, "relaybox.saga.stuck", type, "sagas not moving"));
      parked.put(type, gauge(registry, "relaybox.saga.parked", type, "sagas waiting for ops"));
      ignored.put(
          type,
          Counter.builder("relaybox.saga.replies.ignored")
              .description("replies the saga did not wait for (late, repeated, other step)")
              .tag("type", type)
              .register(registry));
      timeouts.put(
          type,
          Counter.builder("relaybox.saga.timeouts")
              .description("step deadlines reached")
              .tag("type", type)
              .register(registry));
    }
  }

  private static AtomicLong gauge(
      MeterRegistry registry, String name, String type, String description) {
    AtomicLong value = new AtomicLong();
    Gauge.builder(name, value, AtomicLong::get)
        .description(description)
        .tag("type", type)
        .register(registry);
    return value;
  }

  void counted(Map<String, long[]> counts) {
    stuck.forEach((type, v) -> v.set(counts.getOrDefault(type, new long[2])[0]));
    parked.forEach((type, v) -> v.set(counts.getOrDefault(type, new long[2])[1]));
  }

  void ignored(String type) {
    ignored.get(type).increment();
  }

  void timedOut(String type) {
    timeouts.get(type).increment();
  }
}
