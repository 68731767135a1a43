package dev.relaybox.acceptance.faults;

import java.util.ArrayList;
import java.util.List;

/** The faults the harness injects, and the order it injects them in. */
enum FaultKind {
  /** SIGKILL of the active relay; it is restarted at once and comes back as the standby. */
  RELAY_KILL("relay kill (active)", false),
  /** SIGKILL of the standby relay, restarted at once: the stream must not notice. */
  STANDBY_KILL("standby relay kill", false),
  /** SIGKILL of the consumers host, restarted at once with the same instance id. */
  CONSUMERS_KILL("consumers host kill", false),
  /** Kafka stopped (SIGTERM: controlled shutdown), down for a while, started again. */
  KAFKA_RESTART("Kafka restart", true),
  /** Postgres stopped in immediate mode (no checkpoint: crash recovery at start), then started. */
  POSTGRES_CRASH("Postgres crash", true),
  /** The payment gateway answers 500 to everything for a while, then recovers by itself. */
  GATEWAY_OUTAGE("payment gateway outage", true);

  final String label;

  /** Whether recovery is measured from when the fault ended ("after back") too. */
  final boolean hasOutage;

  FaultKind(String label, boolean hasOutage) {
    this.label = label;
    this.hasOutage = hasOutage;
  }

  /**
   * {@code kills} rounds of the three service kills, with {@code infraRestarts} Kafka restarts and
   * as many Postgres crashes spread evenly between them, and one gateway outage in the middle.
   */
  static List<FaultKind> schedule(int kills, int infraRestarts) {
    List<FaultKind> services = new ArrayList<>();
    for (int i = 0; i < kills; i++) {
      services.addAll(List.of(RELAY_KILL, CONSUMERS_KILL, STANDBY_KILL));
    }
    List<FaultKind> infra = new ArrayList<>();
    for (int i = 0; i < infraRestarts; i++) {
      infra.addAll(List.of(KAFKA_RESTART, POSTGRES_CRASH));
    }
    infra.add(infra.size() / 2, GATEWAY_OUTAGE);
    List<FaultKind> schedule = new ArrayList<>();
    int slots = infra.size() + 1;
    int next = 0;
    for (int i = 0; i < infra.size(); i++) {
      int until = services.size() * (i + 1) / slots;
      schedule.addAll(services.subList(next, until));
      next = until;
      schedule.add(infra.get(i));
    }
    schedule.addAll(services.subList(next, services.size()));
    return schedule;
  }
}
