package dev.relaybox.runtime;

import dev.relaybox.consumers.DeadEvent;
import dev.relaybox.consumers.DeadSet;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Gives up on dead events for good, releasing their keys. */
@Command(
    name = "discard",
    mixinStandardHelpOptions = true,
    description = {
      "Give up on dead events for good: they never run, and the events of their keys that"
          + " waited behind them (policy PARK_KEY) go on, in order. The event stays in the dead"
          + " set as discarded, with --as and the time."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox dlq discard --jdbc-url jdbc:postgresql://db:5432/app --group payments 44",
      "",
      "Exit codes: 0 discarded, 1 an event was not found or not dead any more, 2 usage error,"
          + " 3 Postgres unreachable."
    })
final class DlqDiscardCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DlqOptions dlq;

  @Parameters(paramLabel = "ID", arity = "1..*", description = "Dead event ids (`dlq list`).")
  List<Long> ids;

  @Option(
      names = "--as",
      paramLabel = "WHO",
      description = "Who discards, for the record (default: $USER@host).")
  String actor;

  @Override
  public Integer call() throws Exception {
    return dlq.run(spec, this::discard);
  }

  private int discard() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    DeadSet deadSet = dlq.deadSet(spec);
    String who = actor == null ? DlqOptions.defaultActor() : actor;
    int refused = 0;
    for (long id : ids) {
      try {
        DeadEvent e = deadSet.discard(dlq.group, id, who);
        out.println(DlqOptions.resolved("discarded", e));
      } catch (IllegalArgumentException | IllegalStateException e) {
        refused++;
        spec.commandLine().getErr().println("relaybox dlq discard: " + e.getMessage());
      }
    }
    out.printf("%d dead event(s) discarded, %d refused.%n", ids.size() - refused, refused);
    return refused == 0 ? 0 : RelayboxCli.EXIT_FAILED;
  }
}
