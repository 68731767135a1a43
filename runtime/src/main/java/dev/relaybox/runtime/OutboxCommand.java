package dev.relaybox.runtime;

import picocli.CommandLine.Command;

/** Groups the outbox table commands. */
@Command(
    name = "outbox",
    mixinStandardHelpOptions = true,
    description = "Create the outbox table, and republish retained events (RETAIN cleanup mode).",
    subcommands = {OutboxMigrateCommand.class, OutboxRepublishCommand.class},
    footer = {
      "",
      "Examples:",
      "  relaybox outbox republish --jdbc-url jdbc:postgresql://127.0.0.1:5432/app"
          + " --from 2026-11-22T10:00:00Z --to 2026-11-22T11:00:00Z --dry-run"
    })
final class OutboxCommand {}
