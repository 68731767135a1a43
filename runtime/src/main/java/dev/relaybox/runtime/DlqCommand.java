package dev.relaybox.runtime;

import picocli.CommandLine.Command;

/** Groups the dead-letter commands: list, show, redrive. */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = {
      "Browse dead-lettered records and send them back to their original topic after a fix.",
      "Dead letters are written by Relaybox consumers with the original key, value and headers"
          + " plus relaybox.dlq.* diagnostic headers (origin, reason, error, attempts, times).",
      "Reading never joins a consumer group or commits offsets."
    },
    subcommands = {DlqListCommand.class, DlqShowCommand.class, DlqRedriveCommand.class},
    footer = {
      "",
      "Examples:",
      "  relaybox dlq list --topic payments.dlq --reason permanent",
      "  relaybox dlq show --topic payments.dlq --offset 0:42",
      "  relaybox dlq redrive --topic payments.dlq --all --error-class IOException",
      "",
      "Exit codes: 0 ok, 1 nothing matched or refused, 2 usage error, 3 Kafka unreachable."
    })
final class DlqCommand {}
