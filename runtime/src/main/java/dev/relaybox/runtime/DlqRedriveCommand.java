package dev.relaybox.runtime;

import dev.relaybox.runtime.internal.DlqReader;
import dev.relaybox.runtime.internal.DlqRecord;
import dev.relaybox.runtime.internal.DlqRedriver;
import dev.relaybox.runtime.internal.Progress;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Sends dead letters back to their original topic after the cause was fixed. */
@Command(
    name = "redrive",
    mixinStandardHelpOptions = true,
    description = {
      "Send dead letters back to the topic and partition they were consumed from, after the"
          + " cause was fixed, with their original key, value, timestamp and headers. The"
          + " relaybox.dlq.* diagnostic headers are dropped; the event id header `id` is kept, so"
          + " consumers that already applied the event skip it: a redrive never doubles an"
          + " effect.",
      "Uses an idempotent producer (acks=all). Records stay in the dead-letter topic.",
      "Repeat-safe: each copy carries the header relaybox.redriven.from=<dlq>:<partition>:<offset>."
          + " Before sending, redrive reads the original partitions from the failed record's"
          + " offset onward and skips every dead letter whose copy is already there, so running"
          + " the same redrive twice (or after a crash half-way) sends each record once. --force"
          + " sends again anyway."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox dlq redrive --topic payments.dlq --all --dry-run",
      "  relaybox dlq redrive --topic payments.dlq --all --reason retries-exhausted",
      "  relaybox dlq redrive --topic payments.dlq --all --error-class IOException",
      "  relaybox dlq redrive --topic payments.dlq --offset 0:42,0:43",
      "  relaybox dlq redrive --topic payments.dlq --offset 0:42 --force   # send again",
      "",
      "Exit codes: 0 sent (or planned, with --dry-run), 1 nothing matched or everything"
          + " selected was already redriven, 2 usage error, 3 Kafka unreachable."
    })
final class DlqRedriveCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DlqOptions kafka;

  @ArgGroup(multiplicity = "1")
  Selection selection;

  @Option(names = "--reason", description = "Only dead letters with this reason.")
  String reason;

  @Option(
      names = "--error-class",
      paramLabel = "C",
      description = "Only dead letters whose error class is C (fully qualified or simple name).")
  String errorClass;

  @Option(names = "--dry-run", description = "Show what would be sent; send nothing.")
  boolean dryRun;

  @Option(
      names = "--force",
      description = "Also send dead letters that were already redriven (consumers still dedupe).")
  boolean force;

  static final class Selection {
    @Option(
        names = "--offset",
        required = true,
        split = ",",
        paramLabel = "[P:]N",
        description = "These dead letters (PARTITION:OFFSET as `dlq list` shows; comma-separated).")
    List<String> offsets;

    @Option(names = "--all", required = true, description = "Every dead letter in the topic.")
    boolean all;
  }

  @Override
  public Integer call() throws Exception {
    return kafka.run(spec, this::redrive);
  }

  private int redrive() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DlqRedriver redriver = new DlqRedriver(kafka.kafkaOptions.client(), kafka.timeout);
    DlqRedriver.Plan plan;
    try (DlqReader reader = new DlqReader(kafka.kafkaOptions.client(), kafka.timeout)) {
      List<DlqRecord> selected = select(reader, err);
      if (selected == null) {
        return RelayboxCli.EXIT_FAILED;
      }
      if (selected.isEmpty()) {
        err.printf(
            "relaybox dlq redrive: no dead letter in %s matched the filters; `relaybox dlq list"
                + " --topic %s` shows what is there%n",
            kafka.topic, kafka.topic);
        return RelayboxCli.EXIT_FAILED;
      }
      plan =
          redriver.plan(
              reader, selected, force, new Progress(err, "dlq redrive: checked for copies", -1));
    }
    for (DlqRecord r : plan.withoutOrigin()) {
      err.printf(
          "relaybox dlq redrive: skipping %s: it has no relaybox.dlq.original.* headers, so its"
              + " original topic is unknown; produce it yourself if needed%n",
          r.position());
    }
    out.printf(
        "%d to send, %d already redriven (skipped; --force sends them again), %d without"
            + " origin.%n",
        plan.toSend().size(), plan.alreadyRedriven().size(), plan.withoutOrigin().size());
    for (DlqRecord r : plan.toSend()) {
      out.printf(
          "  %s -> %s:%d  id=%s key=%s%n",
          r.partition() + ":" + r.offset(),
          r.originalTopic(),
          r.originalPartition(),
          r.eventId(),
          r.keyText());
    }
    if (plan.toSend().isEmpty()) {
      err.println("relaybox dlq redrive: nothing to send.");
      return RelayboxCli.EXIT_FAILED;
    }
    if (dryRun) {
      out.println("Dry run: nothing sent.");
      return 0;
    }
    long sent =
        redriver.send(plan.toSend(), new Progress(err, "dlq redrive: sent", plan.toSend().size()));
    out.printf(
        "Sent %d record(s) back to their original topics. Consumers skip event ids they already"
            + " processed, so no effect happens twice.%n",
        sent);
    return 0;
  }

  /** The selected dead letters, or null after reporting an offset that holds no record. */
  private List<DlqRecord> select(DlqReader reader, PrintWriter err) {
    List<Integer> partitions = reader.partitions(kafka.topic);
    if (selection.all) {
      return reader.scan(
          kafka.topic,
          r -> r.matches(null, reason, errorClass),
          Integer.MAX_VALUE,
          new Progress(err, "dlq redrive: read", reader.size(kafka.topic)));
    }
    List<DlqRecord> selected = new ArrayList<>();
    for (String text : selection.offsets) {
      DlqOptions.Position p = kafka.position(spec, "--offset", text, partitions);
      Optional<DlqRecord> record = reader.read(kafka.topic, p.partition(), p.offset());
      if (record.isEmpty()) {
        err.printf(
            "relaybox dlq redrive: no record at %s in %s; nothing was sent. `relaybox dlq list"
                + " --topic %s` shows what is there%n",
            p, kafka.topic, kafka.topic);
        return null;
      }
      if (record.get().matches(null, reason, errorClass)) {
        selected.add(record.get());
      }
    }
    return selected;
  }
}
