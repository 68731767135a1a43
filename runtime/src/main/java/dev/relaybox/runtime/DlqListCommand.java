package dev.relaybox.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.relaybox.runtime.internal.DlqReader;
import dev.relaybox.runtime.internal.DlqRecord;
import dev.relaybox.runtime.internal.Progress;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists dead letters with their origin, event id, reason and error. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List the records of a dead-letter topic, oldest first per partition: their place in the"
          + " dead-letter topic (PARTITION:OFFSET, what `dlq show` and `dlq redrive --offset`"
          + " take), where they were consumed from, the event id, key, reason, error class and"
          + " message, attempts, first and last failure.",
      "Reads with assign + seek: no consumer group is joined and no offset is committed."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox dlq list --topic payments.dlq",
      "  relaybox dlq list --topic payments.dlq --reason retries-exhausted --limit 20",
      "  relaybox dlq list --topic payments.dlq --group payments --json | jq '.[].eventId'",
      "",
      "Reasons: undecodable, permanent, retries-exhausted.",
      "Exit codes: 0 ok (also when nothing matched: the list is empty), 1 topic not found,"
          + " 2 usage error, 3 Kafka unreachable."
    })
final class DlqListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DlqOptions kafka;

  @Option(names = "--group", description = "Only dead letters of this consumer group.")
  String group;

  @Option(
      names = "--reason",
      description =
          "Only dead letters with this reason (undecodable, permanent, retries-exhausted).")
  String reason;

  @Option(
      names = "--limit",
      defaultValue = "100",
      description = "Show at most N dead letters (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "Print a JSON array for scripts.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (limit < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--limit must be at least 1, got " + limit);
    }
    return kafka.run(spec, this::list);
  }

  private int list() throws Exception {
    List<DlqRecord> records;
    long size;
    try (DlqReader reader = new DlqReader(kafka.kafkaOptions.client(), kafka.timeout)) {
      size = reader.size(kafka.topic);
      records =
          reader.scan(
              kafka.topic,
              r -> r.matches(group, reason, null),
              limit,
              new Progress(spec.commandLine().getErr(), "dlq list: read", size));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(records.stream().map(DlqListCommand::summary).toList()));
      return 0;
    }
    out.printf(
        "%-10s %-36s %-36s %-16s %-17s %-40s %8s %-24s %-24s %s%n",
        "DLQ",
        "ORIGINAL",
        "EVENT ID",
        "KEY",
        "REASON",
        "ERROR CLASS",
        "ATTEMPTS",
        "FIRST FAILURE",
        "LAST FAILURE",
        "ERROR MESSAGE");
    for (DlqRecord r : records) {
      out.printf(
          "%-10s %-36s %-36s %-16s %-17s %-40s %8s %-24s %-24s %s%n",
          r.partition() + ":" + r.offset(),
          r.hasOrigin()
              ? r.originalTopic() + ":" + r.originalPartition() + ":" + r.originalOffset()
              : "-",
          DlqOptions.dash(r.eventId()),
          DlqOptions.dash(r.keyText()),
          DlqOptions.dash(r.reason()),
          DlqOptions.dash(r.errorClass()),
          DlqOptions.dash(r.attempts()),
          DlqOptions.dash(r.firstFailure()),
          DlqOptions.dash(r.lastFailure()),
          DlqOptions.dash(oneLine(r.errorMessage())));
    }
    out.printf(
        "%d dead letter(s) shown of %d in %s%s.%n",
        records.size(),
        size,
        kafka.topic,
        records.size() == limit ? " (limit reached: raise --limit or add filters)" : "");
    return 0;
  }

  private static Map<String, Object> summary(DlqRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("partition", r.partition());
    m.put("offset", r.offset());
    m.put("originalTopic", r.originalTopic());
    m.put("originalPartition", r.hasOrigin() ? r.originalPartition() : null);
    m.put("originalOffset", r.hasOrigin() ? r.originalOffset() : null);
    m.put("consumerGroup", r.consumerGroup());
    m.put("eventId", r.eventId());
    m.put("key", r.keyText());
    m.put("reason", r.reason());
    m.put("errorClass", r.errorClass());
    m.put("errorMessage", r.errorMessage());
    m.put(
        "attempts",
        r.attempts() != null && r.attempts().matches("\\d{1,9}")
            ? Integer.valueOf(r.attempts())
            : r.attempts());
    m.put("firstFailure", r.firstFailure());
    m.put("lastFailure", r.lastFailure());
    m.put("valueBytes", r.value() == null ? null : r.value().length);
    return m;
  }

  private static String oneLine(String s) {
    return s == null ? null : s.replaceAll("\\s+", " ");
  }
}
