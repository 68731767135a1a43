package dev.relaybox.runtime;

import dev.relaybox.consumers.saga.SagaAdmin;
import dev.relaybox.consumers.saga.SagaState;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
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

  @Mixin SagaOptions sagas;

  @Option(names = "--type", required = true, description = "The sagas' type.")
  String type;

  @Parameters(paramLabel = "SAGA_ID", arity = "1..*", description = "Saga ids (`sagas list`).")
  List<String> sagaIds;

  @Option(
      names = "--as",
      paramLabel = "WHO",
      description = "Who compensates, for the record (default: $USER@host).")
  String actor;

  @Override
  public Integer call() throws Exception {
    return each(
        spec,
        sagas,
        type,
        sagaIds,
        actor,
        "compensating",
        (admin, id, who) -> admin.compensate(type, id, who));
  }

  /** An operator action on one saga. */
  @FunctionalInterface
  interface Action {
    SagaState apply(SagaAdmin admin, String sagaId, String actor) throws SQLException;
  }

  /** Validates the input, then applies {@code action} to each saga; refusals exit with 1. */
  static int each(
      CommandSpec spec,
      SagaOptions sagas,
      String type,
      List<String> sagaIds,
      String actor,
      String done,
      Action action)
      throws Exception {
    SagaOptions.type(spec, type);
    sagaIds.forEach(id -> SagaOptions.sagaId(spec, id));
    String who = actor == null ? DlqOptions.defaultActor() : actor;
    return sagas.run(
        spec,
        () -> {
          SagaAdmin admin = sagas.admin(spec);
          PrintWriter out = spec.commandLine().getOut();
          PrintWriter err = spec.commandLine().getErr();
          String name = spec.qualifiedName();
          int refused = 0;
          for (String id : sagaIds) {
            try {
              SagaState s = action.apply(admin, id, who);
              out.printf(
                  "%s %s/%s: now %s at step %s (%s)%n",
                  done,
                  s.type(),
                  s.sagaId(),
                  SagasListCommand.status(s),
                  s.currentStep(),
                  s.operatorNote());
            } catch (IllegalArgumentException | IllegalStateException e) {
              refused++;
              err.println(name + ": " + e.getMessage());
            }
          }
          out.printf(
              "%d saga(s) %s, %d refused. The services' saga pollers run them within their poll"
                  + " interval.%n",
              sagaIds.size() - refused, done, refused);
          return refused == 0 ? 0 : RelayboxCli.EXIT_FAILED;
        });
  }
}
