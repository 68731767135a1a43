package dev.relaybox.runtime;

import picocli.CommandLine.Command;

/** Groups the saga commands: list, show, retry, compensate. */
@Command(
    name = "sagas",
    mixinStandardHelpOptions = true,
    description = {
      "Look at the sagas in a service's saga table (<processed-keys table>_sagas, in the"
          + " consumers' Postgres database) and move stuck or parked ones by hand: retry runs the"
          + " current step's action (or compensation) again with fresh attempts; compensate"
          + " undoes the completed steps, last first. The services' saga pollers run what you"
          + " made due within their poll interval (saga.poll.interval.ms, 1 s by default).",
      "A saga is PARKED when a compensation failed for good or a step timed out with"
          + " OnTimeout.PARK; it never moves by itself."
    },
    subcommands = {
      SagasListCommand.class,
      SagasShowCommand.class,
      SagasRetryCommand.class,
      SagasCompensateCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  relaybox sagas list --jdbc-url jdbc:postgresql://db:5432/app --status parked",
      "  relaybox sagas list --type order-fulfilment --stuck 10m",
      "  relaybox sagas show --type order-fulfilment o-42",
      "  relaybox sagas retry --type order-fulfilment o-42 --as alice",
      "  relaybox sagas compensate --type order-fulfilment o-43",
      "",
      "The Postgres password comes from $RELAYBOX_PG_PASSWORD, never from the command line.",
      "Exit codes: 0 ok, 1 nothing matched or refused, 2 usage error, 3 Postgres unreachable."
    })
final class SagasCommand {}
