package dev.relaybox.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.relaybox.consumers.saga.SagaState;
import dev.relaybox.consumers.saga.SagaStatus;
import dev.relaybox.runtime.internal.DlqText;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Lists sagas, least recently moved first. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List sagas, least recently moved first: type and id (what `sagas show`, `retry` and"
          + " `compensate` take), status, current step, what it waits for, attempts, when it"
          + " last moved, and its last error."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox sagas list --jdbc-url jdbc:postgresql://db:5432/app --status parked",
      "  relaybox sagas list --type order-fulfilment --stuck 10m --limit 20",
      "  relaybox sagas list --json | jq '.[].sagaId'",
      "",
      "Statuses: running, compensating, completed, compensated, parked (waiting for you).",
      "Exit codes: 0 ok (also when nothing matched: the list is empty), 1 no saga table (check"
          + " --schema and --processed-keys-table), 2 usage error, 3 Postgres unreachable."
    })
final class SagasListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SagaOptions sagas;

  @Option(names = "--type", description = "Only sagas of this type, e.g. order-fulfilment.")
  String type;

  @Option(
      names = "--status",
      defaultValue = "all",
      description =
          "running, compensating, completed, compensated, parked or all (default:"
              + " ${DEFAULT-VALUE}).")
  String status;

  @Option(
      names = "--stuck",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Only running or compensating sagas that have not moved for this long, e.g. 10m.")
  Duration stuck;

  @Option(
      names = "--limit",
      defaultValue = "100",
      description = "Show at most N sagas, 1 to 10000 (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "Print a JSON array for scripts.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (limit < 1 || limit > 10_000) {
      throw new ParameterException(spec.commandLine(), "--limit must be 1 to 10000, got " + limit);
    }
    SagaOptions.type(spec, type);
    SagaStatus wanted = status(spec, status);
    return sagas.run(spec, () -> list(wanted));
  }

  private static SagaStatus status(CommandSpec spec, String text) {
    if (text.equalsIgnoreCase("all")) {
      return null;
    }
    try {
      return SagaStatus.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--status must be running, compensating, completed, compensated, parked or all, got '"
              + text
              + "'");
    }
  }

  private int list(SagaStatus wanted) throws Exception {
    List<SagaState> found = sagas.admin(spec).list(type, wanted, stuck, limit);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(found.stream().map(SagasListCommand::summary).toList()));
      return 0;
    }
    String format = "%-24s %-36s %-12s %-20s %-7s %8s %-24s %s%n";
    out.printf(
        format,
        "TYPE",
        "SAGA ID",
        "STATUS",
        "STEP",
        "WAITS",
        "ATTEMPT",
        "UPDATED AT",
        "LAST ERROR");
    for (SagaState s : found) {
      out.printf(
          format,
          s.type(),
          s.sagaId(),
          status(s),
          s.currentStep(),
          s.pending(),
          s.attempt(),
          s.updatedAt(),
          DlqOptions.dash(s.lastError() == null ? null : DlqText.oneLine(s.lastError())));
    }
    out.printf(
        "%d saga(s) shown%s.%n",
        found.size(),
        found.size() == limit ? " (limit reached: raise --limit or add filters)" : "");
    return 0;
  }

  static String status(SagaState s) {
    return s.status().name().toLowerCase(Locale.ROOT);
  }

  private static Map<String, Object> summary(SagaState s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", s.type());
    m.put("sagaId", s.sagaId());
    m.put("status", status(s));
    m.put(
        "parkedFrom",
        s.parkedFrom() == null ? null : s.parkedFrom().name().toLowerCase(Locale.ROOT));
    m.put("currentStep", s.currentStep());
    m.put("pending", s.pending());
    m.put("completedSteps", s.completedSteps());
    m.put("compensatedSteps", s.compensatedSteps());
    m.put("attempt", s.attempt());
    m.put("nextAttemptAt", s.nextAttemptAt() == null ? null : s.nextAttemptAt().toString());
    m.put("deadlineAt", s.deadlineAt() == null ? null : s.deadlineAt().toString());
    m.put("createdAt", s.createdAt().toString());
    m.put("updatedAt", s.updatedAt().toString());
    m.put("lastError", s.lastError());
    m.put("operatorNote", s.operatorNote());
    return m;
  }
}
