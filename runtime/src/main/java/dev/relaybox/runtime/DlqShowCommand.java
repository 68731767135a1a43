package dev.relaybox.runtime;

import dev.relaybox.consumers.DeadEvent;
import dev.relaybox.runtime.internal.DlqText;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Shows one dead event in full. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Show one dead event in full: where it was consumed from, why and when it died, what was"
          + " done about it (by whom, when), every header, and the value as a hex preview with"
          + " its size (and the schema id when the value is in the Confluent wire format)."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox dlq show --jdbc-url jdbc:postgresql://db:5432/app --group payments 42",
      "",
      "Exit codes: 0 ok, 1 no such dead event, 2 usage error, 3 Postgres unreachable."
    })
final class DlqShowCommand implements Callable<Integer> {
  private static final int PREVIEW_BYTES = 64;

  @Spec CommandSpec spec;

  @Mixin DlqOptions dlq;

  @Parameters(paramLabel = "ID", description = "The dead event's id, as `dlq list` shows it.")
  long id;

  @Override
  public Integer call() throws Exception {
    return dlq.run(spec, this::show);
  }

  private int show() throws Exception {
    Optional<DeadEvent> found = dlq.deadSet(spec).find(dlq.group, id);
    if (found.isEmpty()) {
      spec.commandLine()
          .getErr()
          .printf(
              "relaybox dlq show: group %s has no dead event %d; `relaybox dlq list --group %s"
                  + " --state all` shows its ids%n",
              dlq.group, id, dlq.group);
      return RelayboxCli.EXIT_FAILED;
    }
    print(spec.commandLine().getOut(), found.get());
    return 0;
  }

  private static void print(PrintWriter out, DeadEvent e) {
    out.printf("dead event       %d of group %s%n", e.id(), e.group());
    out.printf("state            %s%n", DlqListCommand.stateName(e.state()));
    if (e.resolvedBy() != null) {
      out.printf("resolved         by %s at %s%n", e.resolvedBy(), e.resolvedAt());
    }
    out.printf("consumed from    %s:%d:%d%n", e.topic(), e.partition(), e.offset());
    out.printf("timestamp        %s%n", Instant.ofEpochMilli(e.timestampMillis()));
    out.printf("event id         %s%n", DlqOptions.dash(e.eventId()));
    out.printf("key              %s%n", DlqOptions.dash(DlqText.text(e.key())));
    out.printf(
        "blocks its key   %s%n",
        e.blocksKey()
            ? (e.state() == DeadEvent.State.DEAD ? "yes: later events of the key wait" : "no more")
            : "no (policy SKIP)");
    out.printf("reason           %s%n", e.reason());
    out.printf("error class      %s%n", e.errorClass());
    out.printf("error message    %s%n", e.errorMessage());
    out.printf("attempts         %d%n", e.attempts());
    out.printf("first failure    %s%n", DlqOptions.dash(e.firstFailure()));
    out.printf("died at          %s%n", e.diedAt());
    out.printf(
        "dead-letter copy %s%n",
        e.dlqPublishedAt() == null ? "not sent yet" : "sent at " + e.dlqPublishedAt());
    out.println("headers");
    for (Header h : e.headers()) {
      out.printf("  %s = %s%n", h.key(), DlqOptions.dash(DlqText.text(h.value())));
    }
    if (e.value() == null) {
      out.println("value            null (tombstone)");
      return;
    }
    out.printf("value            %d byte(s)%n", e.value().length);
    DlqText.schemaId(e.value())
        .ifPresent(id -> out.printf("schema id        %d (Confluent wire format)%n", id));
    byte[] preview = Arrays.copyOf(e.value(), Math.min(PREVIEW_BYTES, e.value().length));
    out.printf(
        "value (hex)      %s%s%n",
        HexFormat.ofDelimiter(" ").formatHex(preview),
        e.value().length > PREVIEW_BYTES ? " ..." : "");
  }
}
