package dev.relaybox.runtime;

import dev.relaybox.consumers.saga.SagaAdmin;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Compensates running or parked sagas by hand. */
@Command(
    name = "compensate",
    mixinStandardHelpOptions = true,
    description = {
      "Compensate each running or parked saga now: its completed steps are undone, last first,"
          + " and its current step too if its action ran (compensations are idempotent). A saga"
          + " that is compensating already (or parked while compensating) is refused: retry it."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox sagas compensate --jdbc-url jdbc:postgresql://db:5432/app --type"
          + " order-fulfilment o-43 --as alice",
      "",
      "Exit codes: 0 compensating, 1 a saga is unknown, final or compensating already, 2 usage"
          + " error, 3 Postgres unreachable."
    })
final class SagasCompensateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SagaActionOptions options;

  @Override
  public Integer call() throws Exception {
    return options.each(spec, "compensating", SagaAdmin::compensate);
  }
}
