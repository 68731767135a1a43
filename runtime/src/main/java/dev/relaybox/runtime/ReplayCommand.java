package dev.relaybox.runtime;

import dev.relaybox.console.OffsetReset;
import dev.relaybox.console.OffsetReset.PartitionPlan;
import dev.relaybox.console.OffsetReset.Plan;
import dev.relaybox.console.OffsetReset.Start;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Resets a consumer group's offsets on a topic so its consumers read the records again. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Reset a consumer group's offsets on a topic so that its consumers read records again,"
          + " for recovery (e.g. after restoring a consumer's database from a backup).",
      "Relaybox consumers skip event ids already in their processed-keys table, so a replay"
          + " applies only the missing effects and never repeats one.",
      "Refuses while the group has live members: stop its consumers first. The group reads"
          + " from the new offsets to the end of the log."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox replay --group orders --topic outbox.event.order --earliest --dry-run",
      "  relaybox replay --group email --topic outbox.event.email-command"
          + " --from-timestamp 2026-11-22T10:00:00Z",
      "  relaybox replay --group fulfillment --topic outbox.event.warehouse-command"
          + " --from-offset 0:120,2:97",
      "  relaybox replay --group payments --topic outbox.event.payment-command"
          + " --from-timestamp 1700000000000"
          + " --to-timestamp 1700003600000 --dry-run",
      "",
      "Exit codes: 0 done (or planned, with --dry-run), 1 refused (live members) or bad offsets,"
          + " 2 usage error, 3 Kafka unreachable."
    })
final class ReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin KafkaOptions kafka;

  @Option(names = "--group", required = true, description = "The consumer group to rewind.")
  String group;

  @Option(names = "--topic", required = true, description = "The topic to re-read.")
  String topic;

  @ArgGroup(multiplicity = "1")
  From from;

  @Option(
      names = "--to-timestamp",
      paramLabel = "TS",
      description =
          "End of the window to report (ISO-8601 instant or epoch millis). The group still reads"
              + " on to the log end, skipping event ids it has processed.")
  String toTimestamp;

  @Option(names = "--dry-run", description = "Show what would be re-read; change nothing.")
  boolean dryRun;

  static final class From {
    @Option(names = "--earliest", required = true, description = "From the start of the log.")
    boolean earliest;

    @Option(
        names = "--from-timestamp",
        required = true,
        paramLabel = "TS",
        description = "From the first record at or after TS (ISO-8601 instant or epoch millis).")
    String timestamp;

    @Option(
        names = "--from-offset",
        required = true,
        paramLabel = "P:O",
        split = ",",
        description = "From offset O of partition P; repeat or comma-separate for several.")
    List<String> offsets;
  }

  @Override
  public Integer call() {
    Start start = start();
    PrintWriter out = spec.commandLine().getOut();
    try (Admin admin = Admin.create(admin())) {
      OffsetReset reset = new OffsetReset(admin);
      Plan plan;
      try {
        plan =
            reset.plan(group, topic, start, toTimestamp == null ? null : parseInstant(toTimestamp));
      } catch (OffsetReset.ActiveGroupException | IllegalArgumentException e) {
        spec.commandLine().getErr().println("relaybox replay: " + e.getMessage());
        return RelayboxCli.EXIT_FAILED;
      }
      print(out, plan, toTimestamp != null);
      if (dryRun) {
        out.println("Dry run: nothing changed.");
        return 0;
      }
      try {
        reset.apply(plan);
      } catch (OffsetReset.ActiveGroupException e) {
        spec.commandLine().getErr().println("relaybox replay: " + e.getMessage());
        return RelayboxCli.EXIT_FAILED;
      }
      out.printf(
          "Offsets of group '%s' reset. Start its consumers: already-processed event ids are"
              + " skipped, so no effect happens twice.%n",
          group);
      return 0;
    }
  }

  private Start start() {
    if (from.earliest) {
      return new Start.Earliest();
    }
    if (from.timestamp != null) {
      return new Start.FromTimestamp(parseInstant(from.timestamp));
    }
    Map<Integer, Long> offsets = new LinkedHashMap<>();
    for (String spec : from.offsets) {
      String[] parts = spec.split(":");
      try {
        offsets.put(Integer.parseInt(parts[0].trim()), Long.parseLong(parts[1].trim()));
      } catch (RuntimeException e) {
        throw new ParameterException(
            this.spec.commandLine(), "--from-offset expects PARTITION:OFFSET, got '" + spec + "'");
      }
    }
    return new Start.FromOffsets(offsets);
  }

  private Instant parseInstant(String text) {
    try {
      return text.chars().allMatch(Character::isDigit)
          ? Instant.ofEpochMilli(Long.parseLong(text))
          : Instant.parse(text);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--from-timestamp expects an ISO-8601 instant such as 2026-11-22T10:00:00Z or epoch"
              + " millis, got '"
              + text
              + "'");
    }
  }

  private static void print(PrintWriter out, Plan plan, boolean window) {
    out.printf("Replay of topic '%s' for group '%s':%n", plan.topic(), plan.group());
    out.printf(
        "%-10s %12s %12s %12s %12s %12s%n",
        "partition", "committed", "new offset", "log end", "to read", "in window");
    for (PartitionPlan p : plan.partitions()) {
      out.printf(
          "%-10d %12s %12d %12d %12d %12s%n",
          p.partition(),
          p.committed() == null ? "-" : p.committed().toString(),
          p.newOffset(),
          p.logEnd(),
          p.toRead(),
          window ? Long.toString(p.inWindow()) : "-");
    }
    out.printf("%d record(s) will be read again.%n", plan.totalToRead());
    if (window) {
      out.printf(
          "%d of them are in the window; a consumer group has one position per partition, so it"
              + " reads on to the log end, and already-processed event ids are skipped.%n",
          plan.totalInWindow());
    }
  }

  private Map<String, Object> admin() {
    Map<String, Object> config = kafka.client();
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    return config;
  }
}
