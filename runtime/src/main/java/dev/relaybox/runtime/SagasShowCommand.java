package dev.relaybox.runtime;

import dev.relaybox.consumers.saga.SagaState;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Shows one saga in full. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Show one saga in full: status (and the way a parked saga was going), current step and"
          + " what it waits for (its action's next attempt or its reply's deadline), the"
          + " completed and compensated steps, attempts, times, last error, the last operator"
          + " action and its data (JSON as text, other data as hex)."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox sagas show --jdbc-url jdbc:postgresql://db:5432/app --type order-fulfilment o-42",
      "",
      "Exit codes: 0 ok, 1 no such saga, 2 usage error, 3 Postgres unreachable."
    })
final class SagasShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SagaOptions sagas;

  @Option(names = "--type", required = true, description = "The saga type.")
  String type;

  @Parameters(paramLabel = "SAGA_ID", description = "The saga id, as `sagas list` shows it.")
  String sagaId;

  @Override
  public Integer call() throws Exception {
    SagaOptions.type(spec, type);
    SagaOptions.sagaId(spec, sagaId);
    return sagas.run(spec, this::show);
  }

  private int show() throws Exception {
    Optional<SagaState> found = sagas.admin(spec).find(type, sagaId);
    if (found.isEmpty()) {
      spec.commandLine()
          .getErr()
          .printf(
              "relaybox sagas show: no saga %s/%s; `relaybox sagas list --type %s` shows the"
                  + " ids%n",
              type, sagaId, type);
      return RelayboxCli.EXIT_FAILED;
    }
    print(spec.commandLine().getOut(), found.get());
    return 0;
  }

  static void print(PrintWriter out, SagaState s) {
    out.printf("saga             %s/%s%n", s.type(), s.sagaId());
    out.printf(
        "status           %s%s%n",
        SagasListCommand.status(s),
        s.parkedFrom() == null ? "" : " (was " + s.parkedFrom().name().toLowerCase() + ")");
    out.printf("current step     %s (attempt %d)%n", s.currentStep(), s.attempt());
    out.printf(
        "waits for        %s%n",
        switch (s.pending()) {
          case "action" -> "its action, at " + s.nextAttemptAt();
          case "reply" ->
              "its reply"
                  + (s.deadlineAt() == null ? ", no deadline" : ", deadline " + s.deadlineAt());
          default -> "nothing";
        });
    out.printf("completed steps  %s%n", String.join(", ", s.completedSteps()));
    out.printf("compensated      %s%n", String.join(", ", s.compensatedSteps()));
    out.printf("created at       %s%n", s.createdAt());
    out.printf("updated at       %s%n", s.updatedAt());
    out.printf("last error       %s%n", DlqOptions.dash(s.lastError()));
    out.printf("operator         %s%n", DlqOptions.dash(s.operatorNote()));
    out.printf("data (%d bytes)  %s%n", s.data().length, s.dataAsText());
  }
}
