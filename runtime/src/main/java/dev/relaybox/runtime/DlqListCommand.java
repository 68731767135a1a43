package dev.relaybox.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.relaybox.consumers.DeadEvent;
import dev.relaybox.runtime.internal.DlqText;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Lists a group's dead events with their origin, reason and error. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List a consumer group's dead events, oldest first: the id (what `dlq show`, `dlq redrive`"
          + " and `dlq discard` take), when it died, its state, where it was consumed from, the"
          + " event id, key, reason, attempts, whether its key waits behind it, and the error."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox dlq list --jdbc-url jdbc:postgresql://db:5432/app --group payments",
      "  relaybox dlq list --group payments --reason retries-exhausted --limit 20",
      "  relaybox dlq list --group payments --state all --json | jq '.[].eventId'",
      "",
      "States: dead (waiting for you), redriven, discarded. Reasons: undecodable, permanent,"
          + " retries-exhausted.",
      "Exit codes: 0 ok (also when nothing matched: the list is empty), 1 no dead set (check"
          + " --schema and --processed-keys-table), 2 usage error, 3 Postgres unreachable."
    })
final class DlqListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DlqOptions dlq;

  @Option(
      names = "--state",
      defaultValue = "dead",
      description = "dead, redriven, discarded or all (default: ${DEFAULT-VALUE}).")
  String state;

  @Option(
      names = "--reason",
      description =
          "Only dead events with this reason (undecodable, permanent, retries-exhausted).")
  String reason;

  @Option(
      names = "--limit",
      defaultValue = "100",
      description = "Show at most N dead events (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "Print a JSON array for scripts.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (limit < 1) {
      throw new ParameterException(spec.commandLine(), "--limit must be at least 1, got " + limit);
    }
    DeadEvent.State wanted = state(spec, state);
    return dlq.run(spec, () -> list(wanted));
  }

  /** {@code --state} as the API's state; null for {@code all}. */
  static DeadEvent.State state(CommandSpec spec, String text) {
    if (text.equalsIgnoreCase("all")) {
      return null;
    }
    try {
      return DeadEvent.State.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--state must be dead, redriven, discarded or all, got '" + text + "'");
    }
  }

  private int list(DeadEvent.State wanted) throws Exception {
    List<DeadEvent> events = dlq.deadSet(spec).list(dlq.group, wanted, reason, limit);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(events.stream().map(DlqListCommand::summary).toList()));
      return 0;
    }
    String format = "%-8s %-24s %-9s %-36s %-36s %-16s %-17s %8s %-6s %-40s %s%n";
    out.printf(
        format,
        "ID",
        "DIED AT",
        "STATE",
        "CONSUMED FROM",
        "EVENT ID",
        "KEY",
        "REASON",
        "ATTEMPTS",
        "BLOCKS",
        "ERROR CLASS",
        "ERROR MESSAGE");
    for (DeadEvent e : events) {
      out.printf(
          format,
          e.id(),
          e.diedAt(),
          stateName(e.state()),
          e.topic() + ":" + e.partition() + ":" + e.offset(),
          DlqOptions.dash(e.eventId()),
          DlqOptions.dash(DlqText.text(e.key())),
          e.reason(),
          e.attempts(),
          e.blocksKey() && e.state() == DeadEvent.State.DEAD ? "yes" : "no",
          e.errorClass(),
          DlqText.oneLine(e.errorMessage()));
    }
    out.printf(
        "%d dead event(s) of group %s shown%s.%n",
        events.size(),
        dlq.group,
        events.size() == limit ? " (limit reached: raise --limit or add filters)" : "");
    return 0;
  }

  static String stateName(DeadEvent.State state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  private static Map<String, Object> summary(DeadEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("group", e.group());
    m.put("state", stateName(e.state()));
    m.put("topic", e.topic());
    m.put("partition", e.partition());
    m.put("offset", e.offset());
    m.put("eventId", e.eventId() == null ? null : e.eventId().toString());
    m.put("key", DlqText.text(e.key()));
    m.put("reason", e.reason());
    m.put("blocksKey", e.blocksKey());
    m.put("attempts", e.attempts());
    m.put("errorClass", e.errorClass());
    m.put("errorMessage", e.errorMessage());
    m.put("firstFailure", DlqOptions.dash(e.firstFailure()));
    m.put("diedAt", e.diedAt().toString());
    m.put("dlqPublishedAt", e.dlqPublishedAt() == null ? null : e.dlqPublishedAt().toString());
    m.put("resolvedBy", e.resolvedBy());
    m.put("resolvedAt", e.resolvedAt() == null ? null : e.resolvedAt().toString());
    m.put("valueBytes", e.value() == null ? null : e.value().length);
    return m;
  }
}
