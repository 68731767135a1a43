package dev.relaybox.runtime;

import dev.relaybox.consumers.saga.SagaAdmin;
import dev.relaybox.consumers.saga.SagaState;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What {@code sagas retry} and {@code sagas compensate} share: which sagas, and who acts. */
final class SagaActionOptions {

  /** An operator action on one saga. */
  @FunctionalInterface
  interface Action {
    SagaState apply(SagaAdmin admin, String type, String sagaId, String actor) throws SQLException;
  }

  @Mixin SagaOptions sagas;

  @Option(names = "--type", required = true, description = "The sagas' type.")
  String type;

  @Parameters(paramLabel = "SAGA_ID", arity = "1..*", description = "Saga ids (`sagas list`).")
  List<String> sagaIds;

  @Option(
      names = "--as",
      paramLabel = "WHO",
      description = "Who acts, for the saga's operator note (default: $USER@host).")
  String actor;

  /** Validates the input, then applies {@code action} to each saga; refusals exit with 1. */
  int each(CommandSpec spec, String done, Action action) throws Exception {
    SagaOptions.type(spec, type);
    sagaIds.forEach(id -> SagaOptions.sagaId(spec, id));
    String who = actor == null ? DlqOptions.defaultActor() : actor;
    return sagas.run(
        spec,
        () -> {
          SagaAdmin admin = sagas.admin(spec);
          PrintWriter out = spec.commandLine().getOut();
          PrintWriter err = spec.commandLine().getErr();
          int refused = 0;
          for (String id : sagaIds) {
            try {
              SagaState s = action.apply(admin, type, id, who);
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
              err.println(spec.qualifiedName() + ": " + e.getMessage());
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
