package dev.relaybox.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.relaybox.relay.SlotStatus;
import dev.relaybox.runtime.internal.StatusReport;
import dev.relaybox.runtime.internal.StatusReport.GroupLag;
import dev.relaybox.runtime.internal.StatusReport.Report;
import dev.relaybox.runtime.internal.StatusReport.Slot;
import dev.relaybox.runtime.internal.StatusReport.TopicStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Shows the pipeline's state: relay slot lag, topics, consumer group lag, dead letters. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show the pipeline's state: the relay's replication slot (lag and retained WAL in bytes,"
          + " wal_status, safe_wal_size, max_slot_wal_keep_size and the alert threshold), the"
          + " outbox topics and their sizes, each consumer group's lag, and dead-letter topics"
          + " with their record counts.",
      "Kafka figures are read_committed, as the pipeline's readers see the topics; on topics"
          + " written in transactions (the exactly-once relay) the record counts and lags include"
          + " the transaction markers, one per transaction and partition."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox status --bootstrap-servers 127.0.0.1:9092"
          + " --jdbc-url jdbc:postgresql://127.0.0.1:5432/app --pg-user relay",
      "  relaybox status --bootstrap-servers 127.0.0.1:9092 --json | jq .groups",
      "",
      "The Postgres password comes from $RELAYBOX_PG_PASSWORD, never from the command line.",
      "Exit codes: 0 ok, 2 usage error, 3 Kafka or Postgres unreachable."
    })
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin KafkaOptions kafka;

  @Mixin PostgresOptions postgres;

  @Option(
      names = "--slot",
      defaultValue = "relaybox_outbox",
      description =
          "The relay's replication slot (default: ${DEFAULT-VALUE}); a sharded relay's slots"
              + " <slot>_shard_<i>_of_<n> are shown with it.")
  String slot;

  @Option(
      names = "--topics",
      defaultValue = "outbox\\.event\\..+",
      description = "Regex of the outbox topics (default: ${DEFAULT-VALUE}).")
  String topics;

  @Option(
      names = "--dead-letter-topics",
      defaultValue = ".*\\.dlq",
      description = "Regex of the dead-letter topics (default: ${DEFAULT-VALUE}).")
  String deadLetterTopics;

  @Option(
      names = "--wal-alert-percent",
      defaultValue = "80",
      paramLabel = "PCT",
      description =
          "Flag the slot when it retains this share of max_slot_wal_keep_size, as the relay's"
              + " slot.wal.alert.percent (default: ${DEFAULT-VALUE}).")
  int walAlertPercent;

  @Option(names = "--json", description = "Print JSON for scripts.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (walAlertPercent < 1 || walAlertPercent > 100) {
      throw new ParameterException(
          spec.commandLine(), "--wal-alert-percent must be between 1 and 100");
    }
    // Without a URL the slot section is left out.
    PGSimpleDataSource dataSource = postgres.present() ? postgres.dataSource(spec) : null;
    Report report;
    try (Admin admin = Admin.create(admin())) {
      report =
          StatusReport.collect(
              admin,
              dataSource,
              slot,
              walAlertPercent,
              Pattern.compile(topics),
              Pattern.compile(deadLetterTopics));
    } catch (java.sql.SQLException | IllegalStateException e) {
      spec.commandLine()
          .getErr()
          .println("relaybox status: cannot read the pipeline's state: " + e.getMessage());
      return RelayboxCli.EXIT_UNAVAILABLE;
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(
          new ObjectMapper()
              .registerModule(new Jdk8Module())
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(report));
      return 0;
    }
    print(out, report);
    return 0;
  }

  private static void print(PrintWriter out, Report report) {
    report
        .slot()
        .ifPresent(
            s -> {
              out.println("RELAY SLOT");
              List<Slot> shards = report.shardSlots();
              if (!s.exists() && !shards.isEmpty()) {
                out.printf(
                    "  %s: not used, the relay is sharded (%d slots):%n", s.name(), shards.size());
              } else {
                printSlot(out, s);
              }
              shards.forEach(shard -> printSlot(out, shard));
              out.println();
            });
    out.println("TOPICS");
    out.printf("  %-40s %10s %12s%n", "topic", "partitions", "records");
    for (TopicStatus t : report.topics()) {
      out.printf("  %-40s %10d %12d%n", t.name(), t.partitions(), t.records());
    }
    out.println();
    out.println("CONSUMER GROUPS");
    out.printf("  %-28s %-10s %8s %-30s %10s%n", "group", "state", "members", "topic", "lag");
    for (GroupLag g : report.groups()) {
      out.printf(
          "  %-28s %-10s %8d %-30s %10d%n", g.group(), g.state(), g.members(), g.topic(), g.lag());
    }
    out.println();
    out.println("DEAD LETTERS");
    if (report.deadLetters().isEmpty()) {
      out.println("  none");
    }
    for (TopicStatus t : report.deadLetters()) {
      out.printf("  %-40s %12d record(s)%n", t.name(), t.records());
    }
  }

  private static void printSlot(PrintWriter out, Slot s) {
    if (!s.exists()) {
      out.printf("  %s: missing (the relay has not started, or the slot was dropped)%n", s.name());
      return;
    }
    out.printf(
        "  %s: %s, lag %s, retained WAL %s%n",
        s.name(),
        s.active() ? "active" : "INACTIVE (relay down?)",
        SlotStatus.bytes(s.lagBytes()),
        SlotStatus.bytes(s.retainedWalBytes()));
    printWal(out, s);
  }

  private static void printWal(PrintWriter out, Slot s) {
    if (s.invalidated()) {
      out.printf(
          "  WAL: LOST (wal_status=%s): the slot was invalidated; the relay cannot stream from"
              + " it. See docs/recovery.md: restart the relay with"
              + " startup.allow.missing.slot=true, then relaybox outbox reconcile.%n",
          s.walStatus());
      return;
    }
    if (s.maxWalKeepSizeBytes() < 0) {
      out.printf(
          "  WAL: wal_status %s, max_slot_wal_keep_size unbounded (-1): a stopped relay's slot"
              + " retains WAL until the disk is full; %s%n",
          s.walStatus(), SlotStatus.boundedWalAdvice());
      return;
    }
    out.printf(
        "  WAL: wal_status %s, safe_wal_size %s of max_slot_wal_keep_size %s, alert at %d %%"
            + " retained%s%n",
        s.walStatus(),
        SlotStatus.bytes(s.safeWalSizeBytes()),
        SlotStatus.bytes(s.maxWalKeepSizeBytes()),
        s.walAlertPercent(),
        s.walAlert()
            ? ": ALERT, the slot is close to being invalidated: bring the relay up to date, or"
                + " raise max_slot_wal_keep_size"
            : "");
  }

  private Map<String, Object> admin() {
    Map<String, Object> config = kafka.client();
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    return config;
  }
}
