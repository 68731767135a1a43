package dev.relaybox.runtime;

import picocli.CommandLine.Command;

/** Groups the outbox table commands. */
@Command(
    name = "outbox",
    mixinStandardHelpOptions = true,
    description =
        "Create the outbox table, republish retained events (RETAIN cleanup mode): a time"
            + " window, or only the events of a window that never reached Kafka (reconcile), and"
            + " move the relay to another number of shards while writers commit (reshard).",
    subcommands = {
      OutboxMigrateCommand.class,
      OutboxRepublishCommand.class,
      OutboxReconcileCommand.class,
      OutboxReshardCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  relaybox outbox republish --jdbc-url jdbc:postgresql://127.0.0.1:5432/app"
          + " --from 2026-11-22T10:00:00Z --to 2026-11-22T11:00:00Z --dry-run",
      "  relaybox outbox reconcile --config relay.properties --from 2026-11-22T09:55:00Z --wait 2m",
      "  relaybox outbox reshard --config relay.properties --to 2"
    })
final class OutboxCommand {}
