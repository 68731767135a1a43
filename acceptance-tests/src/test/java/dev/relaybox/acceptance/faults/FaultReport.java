package dev.relaybox.acceptance.faults;

import dev.relaybox.dev.ThirdParties;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What one harness run injected, how long each fault took to recover, and what it verified. */
final class FaultReport {

  /**
   * One injected fault.
   *
   * @param started when it was injected (the kill, the stop, the outage's start)
   * @param back when the killed or stopped part ran again (null for kills: restarted at once)
   * @param takeover when the standby relay reported ready after a relay kill (null otherwise)
   * @param flowing when every kind of effect was executed for an order placed after {@code started}
   *     (null: not within the harness's deadline)
   */
  record Fault(
      int number,
      FaultKind kind,
      Instant started,
      Instant back,
      Instant takeover,
      Instant flowing,
      String note) {

    Duration recovery() {
      return flowing == null ? null : Duration.between(started, flowing);
    }

    Duration afterBack() {
      return flowing == null || back == null ? null : Duration.between(back, flowing);
    }

    String line(Instant runStart) {
      return String.format(
          Locale.ROOT,
          "#%-3d %-24s at %6.1f s  back %8s  takeover %8s  flowing again %8s after the fault,"
              + " %8s after back %s",
          number,
          kind.label,
          seconds(Duration.between(runStart, started)),
          back == null ? "-" : fmt(Duration.between(started, back)),
          takeover == null ? "-" : fmt(Duration.between(started, takeover)),
          flowing == null ? "NEVER" : fmt(recovery()),
          afterBack() == null ? "-" : fmt(afterBack()),
          note);
    }
  }

  final List<Fault> faults = new ArrayList<>();
  final List<String> loadAverages = new ArrayList<>();
  Instant start;
  Duration placing;
  long orders;
  long placeRetries;
  ThirdParties.Verification verification;
  Duration settling;
  final List<String> exitedByThemselves = new ArrayList<>();

  boolean everyFaultRecovered() {
    return faults.stream().allMatch(f -> f.flowing() != null);
  }

  void print(PrintStream out) {
    out.printf(
        Locale.ROOT,
        "FAULTS: %d orders placed in %.0f s (%.1f/s, %d placements retried while Postgres was"
            + " down), %d faults, settled %.0f s after the last order%n",
        orders,
        seconds(placing),
        orders / Math.max(1, seconds(placing)),
        placeRetries,
        faults.size(),
        seconds(settling));
    out.println("FAULTS: load average (1, 5, 15 min) sampled " + loadAverages);
    faults.forEach(f -> out.println("FAULTS: " + f.line(start)));
    Map<FaultKind, List<Fault>> byKind = new EnumMap<>(FaultKind.class);
    faults.forEach(f -> byKind.computeIfAbsent(f.kind(), k -> new ArrayList<>()).add(f));
    byKind.forEach(
        (kind, list) -> {
          String summary =
              kind.hasOutage
                  ? "after back " + stats(list.stream().map(Fault::afterBack).toList())
                  : "after the kill " + stats(list.stream().map(Fault::recovery).toList());
          String takeover =
              kind == FaultKind.RELAY_KILL
                  ? ", standby ready "
                      + stats(
                          list.stream()
                              .map(
                                  f ->
                                      f.takeover() == null
                                          ? null
                                          : Duration.between(f.started(), f.takeover()))
                              .toList())
                  : "";
          out.printf(
              "FAULTS: %-24s n=%d  effects flowing again %s%s%n",
              kind.label, list.size(), summary, takeover);
        });
    verification
        .rows()
        .forEach(
            r ->
                out.printf(
                    "FAULTS: %-12s orders=%d charges=%d refunds=%d shipments=%d emails=%d lost=%d"
                        + " doubled=%d%n",
                    r.kind(),
                    r.orders(),
                    r.charges(),
                    r.refunds(),
                    r.shipments(),
                    r.emails(),
                    r.lost(),
                    r.doubled()));
    out.printf(
        "FAULTS: %s: %d lost, %d doubled%s%n",
        verification.passed() && everyFaultRecovered() ? "OK" : "FAILED",
        verification.lost(),
        verification.doubled(),
        exitedByThemselves.isEmpty() ? "" : "; exited by themselves: " + exitedByThemselves);
  }

  /** min / median / max of the measured durations; "never" counts what did not recover. */
  static String stats(List<Duration> durations) {
    List<Duration> measured = durations.stream().filter(d -> d != null).sorted().toList();
    long never = durations.size() - measured.size();
    if (measured.isEmpty()) {
      return "never";
    }
    Duration median = measured.get(measured.size() / 2);
    if (measured.size() % 2 == 0) {
      median = measured.get(measured.size() / 2 - 1).plus(median).dividedBy(2);
    }
    return String.format(
        "min %s / median %s / max %s%s",
        fmt(measured.get(0)),
        fmt(median),
        fmt(measured.get(measured.size() - 1)),
        never == 0 ? "" : " (" + never + " never)");
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private static String fmt(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", seconds(d));
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
