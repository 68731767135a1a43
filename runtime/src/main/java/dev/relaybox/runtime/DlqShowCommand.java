package dev.relaybox.runtime;

import dev.relaybox.runtime.internal.DlqReader;
import dev.relaybox.runtime.internal.DlqRecord;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Shows one dead letter in full. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Show one dead letter in full: its origin and diagnostics, every header, and the value as"
          + " a hex preview with its size (and the schema id when the value is in the Confluent"
          + " wire format).",
      "Reads with assign + seek: no consumer group is joined and no offset is committed."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox dlq show --topic payments.dlq --offset 0:42",
      "  relaybox dlq show --topic payments.dlq --offset 42      # single-partition topic",
      "",
      "Exit codes: 0 ok, 1 no record at that offset or topic not found, 2 usage error,"
          + " 3 Kafka unreachable."
    })
final class DlqShowCommand implements Callable<Integer> {
  private static final int PREVIEW_BYTES = 64;

  @Spec CommandSpec spec;

  @Mixin DlqOptions kafka;

  @Option(
      names = "--offset",
      required = true,
      paramLabel = "[P:]N",
      description =
          "The dead letter's PARTITION:OFFSET as `dlq list` shows it; a bare OFFSET when the"
              + " topic has one partition.")
  String offset;

  @Override
  public Integer call() throws Exception {
    return kafka.run(spec, this::show);
  }

  private int show() {
    Optional<DlqRecord> found;
    DlqOptions.Position position;
    try (DlqReader reader = new DlqReader(kafka.kafkaOptions.client(), kafka.timeout)) {
      position = kafka.position(spec, "--offset", offset, reader.partitions(kafka.topic));
      found = reader.read(kafka.topic, position.partition(), position.offset());
    }
    if (found.isEmpty()) {
      spec.commandLine()
          .getErr()
          .printf(
              "relaybox dlq show: no record at %s in %s (deleted by retention, or never"
                  + " written); `relaybox dlq list --topic %s` shows what is there%n",
              position, kafka.topic, kafka.topic);
      return RelayboxCli.EXIT_FAILED;
    }
    print(spec.commandLine().getOut(), found.get());
    return 0;
  }

  private static void print(PrintWriter out, DlqRecord r) {
    out.printf("dead letter      %s%n", r.position());
    out.printf("timestamp        %s%n", Instant.ofEpochMilli(r.timestamp()));
    out.printf(
        "original         %s%n",
        r.hasOrigin()
            ? r.originalTopic() + ":" + r.originalPartition() + ":" + r.originalOffset()
            : "- (no relaybox.dlq origin headers: not written by a Relaybox consumer)");
    out.printf("consumer group   %s%n", DlqOptions.dash(r.consumerGroup()));
    out.printf("event id         %s%n", DlqOptions.dash(r.eventId()));
    out.printf("key              %s%n", DlqOptions.dash(r.keyText()));
    out.printf("reason           %s%n", DlqOptions.dash(r.reason()));
    out.printf("error class      %s%n", DlqOptions.dash(r.errorClass()));
    out.printf("error message    %s%n", DlqOptions.dash(r.errorMessage()));
    out.printf("attempts         %s%n", DlqOptions.dash(r.attempts()));
    out.printf("first failure    %s%n", DlqOptions.dash(r.firstFailure()));
    out.printf("last failure     %s%n", DlqOptions.dash(r.lastFailure()));
    out.println("headers");
    for (Header h : r.headers()) {
      out.printf("  %s = %s%n", h.key(), DlqOptions.dash(DlqRecord.text(h.value())));
    }
    if (r.value() == null) {
      out.println("value            null (tombstone)");
      return;
    }
    out.printf("value            %d byte(s)%n", r.value().length);
    r.schemaId().ifPresent(id -> out.printf("schema id        %d (Confluent wire format)%n", id));
    byte[] preview = Arrays.copyOf(r.value(), Math.min(PREVIEW_BYTES, r.value().length));
    out.printf(
        "value (hex)      %s%s%n",
        HexFormat.ofDelimiter(" ").formatHex(preview),
        r.value().length > PREVIEW_BYTES ? " ..." : "");
  }
}
