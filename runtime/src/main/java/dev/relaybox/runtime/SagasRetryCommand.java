package dev.relaybox.runtime;

import dev.relaybox.consumers.saga.SagaAdmin;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Runs sagas' current actions (or compensations) again. */
@Command(
    name = "retry",
    mixinStandardHelpOptions = true,
    description = {
      "Run each saga's current action again, now, with fresh attempts: a parked saga goes back"
          + " the way it was going (a parked compensation runs again); a running saga stuck"
          + " waiting for a reply sends its command again (participants must be idempotent)."
          + " The action is recorded in the saga's operator note with --as."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox sagas retry --jdbc-url jdbc:postgresql://db:5432/app --type order-fulfilment"
          + " o-42 o-43 --as alice",
      "",
      "Exit codes: 0 retried, 1 a saga is unknown or final, 2 usage error, 3 Postgres unreachable."
    })
final class SagasRetryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SagaActionOptions options;

  @Override
  public Integer call() throws Exception {
    return options.each(spec, "retried", SagaAdmin::retry);
  }
}
