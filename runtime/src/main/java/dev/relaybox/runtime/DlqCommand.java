package dev.relaybox.runtime;

import picocli.CommandLine.Command;

/** Groups the dead-set commands: list, show, redrive, discard. */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = {
      "Look at a consumer group's dead set (events given up on: permanent failures, retries"
          + " exhausted, undecodable records) in the consumers' Postgres database, and redrive or"
          + " discard them. A redriven event runs again first of its key, with fresh attempts; a"
          + " discarded one never runs, and its key's waiting events go on. Each action is"
          + " recorded with who did it and when; running consumers notice it within a second.",
      "Every dead event is also copied to the <group>.dlq topic for Kafka tooling; that copy is"
          + " not read here."
    },
    subcommands = {
      DlqListCommand.class,
      DlqShowCommand.class,
      DlqRedriveCommand.class,
      DlqDiscardCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  relaybox dlq list --jdbc-url jdbc:postgresql://db:5432/app --group payments",
      "  relaybox dlq show --group payments 42",
      "  relaybox dlq redrive --group payments 42 43 --as alice",
      "  relaybox dlq redrive --group payments --all --reason permanent --dry-run",
      "  relaybox dlq discard --group payments 44",
      "",
      "The Postgres password comes from $RELAYBOX_PG_PASSWORD, never from the command line.",
      "Exit codes: 0 ok, 1 nothing matched or refused, 2 usage error, 3 Postgres unreachable."
    })
final class DlqCommand {}
