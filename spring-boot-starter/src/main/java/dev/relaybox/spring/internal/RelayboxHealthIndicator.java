package dev.relaybox.spring.internal;

import dev.relaybox.spring.RelayboxConsumers;
import dev.relaybox.spring.RelayboxConsumers.GroupStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * Actuator health of the listeners' groups. {@code relaybox}: DOWN when a running group does not
 * poll or stalls (see {@link RelayboxConsumers.GroupStatus#problem()}). {@code relayboxReadiness}:
 * OUT_OF_SERVICE until the listeners run and every group has joined and polled, for the readiness
 * probe group.
 */
public final class RelayboxHealthIndicator implements HealthIndicator {

  private final RelayboxConsumers consumers;
  private final boolean readiness;

  private RelayboxHealthIndicator(RelayboxConsumers consumers, boolean readiness) {
    this.consumers = consumers;
    this.readiness = readiness;
  }

  /** Liveness: DOWN when a group stalls or stopped polling. */
  public static HealthIndicator liveness(RelayboxConsumers consumers) {
    return new RelayboxHealthIndicator(consumers, false);
  }

  /** Readiness: OUT_OF_SERVICE until every group is ready. */
  public static HealthIndicator readiness(RelayboxConsumers consumers) {
    return new RelayboxHealthIndicator(consumers, true);
  }

  @Override
  public Health health() {
    List<GroupStatus> groups = consumers.status();
    boolean ok =
        consumers.isRunning() && groups.stream().allMatch(g -> readiness ? g.ready() : g.up());
    Status status = ok ? Status.UP : readiness ? Status.OUT_OF_SERVICE : Status.DOWN;
    Map<String, Object> details = new LinkedHashMap<>();
    for (GroupStatus g : groups) {
      Map<String, Object> group = new LinkedHashMap<>();
      group.put("topics", g.topics());
      group.put("healthy", g.healthy());
      group.put("ready", g.ready());
      group.put("lag", (long) g.lag());
      g.problem().ifPresent(p -> group.put("problem", p));
      details.put(g.group(), group);
    }
    return Health.status(status)
        .withDetail("running", consumers.isRunning())
        .withDetail("groups", details)
        .build();
  }
}
