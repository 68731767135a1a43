package dev.relaybox.runtime;

import dev.relaybox.consumers.DeadEvent;
import dev.relaybox.consumers.DeadSet;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Puts dead events back at the head of their keys after the cause was fixed. */
@Command(
    name = "redrive",
    mixinStandardHelpOptions = true,
    description = {
      "Run dead events again after the cause was fixed: each goes back to the head of its key"
          + " in the group's retry set, with fresh attempts, before the key's events that waited"
          + " behind it (policy PARK_KEY), which then run in order. Under policy SKIP the key's"
          + " later events ran already; the redriven event parks the key until it succeeds.",
      "Safe to repeat: an event that was redriven or discarded already is refused (exit code 1),"
          + " and the processed keys make sure nothing is applied twice. Running consumers pick"
          + " the event up within a second; the action is recorded with --as and the time."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox dlq redrive --jdbc-url jdbc:postgresql://db:5432/app --group payments 42 43",
      "  relaybox dlq redrive --group payments --all --reason permanent --dry-run",
      "  relaybox dlq redrive --group payments --all --as alice",
      "",
      "Exit codes: 0 redriven (or planned, with --dry-run), 1 nothing matched or an event was"
          + " not dead any more, 2 usage error, 3 Postgres unreachable."
    })
final class DlqRedriveCommand implements Callable<Integer> {
  /** Dead events {@code --all} redrives at most. */
  private static final int MAX_ALL = 100_000;

  @Spec CommandSpec spec;

  @Mixin DlqOptions dlq;

  @ArgGroup(multiplicity = "1")
  Selection selection;

  @Option(names = "--reason", description = "With --all: only dead events with this reason.")
  String reason;

  @Option(names = "--dry-run", description = "Show what would be redriven; change nothing.")
  boolean dryRun;

  @Option(
      names = "--as",
      paramLabel = "WHO",
      description = "Who redrives, for the record (default: $USER@host).")
  String actor;

  static final class Selection {
    @Parameters(paramLabel = "ID", arity = "1..*", description = "Dead event ids (`dlq list`).")
    List<Long> ids;

    @Option(names = "--all", required = true, description = "Every dead event of the group.")
    boolean all;
  }

  @Override
  public Integer call() throws Exception {
    return dlq.run(spec, this::redrive);
  }

  private int redrive() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DeadSet deadSet = dlq.deadSet(spec);
    List<Long> ids = new ArrayList<>();
    if (selection.all) {
      deadSet.list(dlq.group, DeadEvent.State.DEAD, reason, MAX_ALL).forEach(e -> ids.add(e.id()));
      if (ids.isEmpty()) {
        err.printf(
            "relaybox dlq redrive: group %s has no dead event%s; `relaybox dlq list --group %s`"
                + " shows what is there%n",
            dlq.group, reason == null ? "" : " with reason " + reason, dlq.group);
        return RelayboxCli.EXIT_FAILED;
      }
    } else {
      ids.addAll(selection.ids);
    }
    String who = actor == null ? DlqOptions.defaultActor() : actor;
    int refused = 0;
    for (long id : ids) {
      if (dryRun) {
        var found = deadSet.find(dlq.group, id);
        out.printf(
            "  would redrive %d%s%n",
            id,
            found
                .map(
                    e ->
                        " "
                            + e.topic()
                            + ":"
                            + e.partition()
                            + ":"
                            + e.offset()
                            + " ("
                            + DlqListCommand.stateName(e.state())
                            + ")")
                .orElse(": not found"));
        continue;
      }
      try {
        DeadEvent e = deadSet.redrive(dlq.group, id, who);
        out.println(DlqOptions.resolved("redriven", e));
      } catch (IllegalArgumentException | IllegalStateException e) {
        refused++;
        err.println("relaybox dlq redrive: " + e.getMessage());
      }
    }
    if (dryRun) {
      out.println("Dry run: nothing changed.");
      return 0;
    }
    out.printf(
        "%d dead event(s) redriven, %d refused. Consumers run them within a second; processed"
            + " keys make sure nothing is applied twice.%n",
        ids.size() - refused, refused);
    return refused == 0 ? 0 : RelayboxCli.EXIT_FAILED;
  }
}
