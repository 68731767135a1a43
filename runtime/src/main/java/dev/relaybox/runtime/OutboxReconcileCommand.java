package dev.relaybox.runtime;

import dev.relaybox.relay.OutboxReconciler;
import dev.relaybox.relay.RelayConfig;
import dev.relaybox.runtime.internal.Progress;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Republishes the retained outbox events of a window that never reached Kafka. */
@Command(
    name = "reconcile",
    mixinStandardHelpOptions = true,
    description = {
      "Close a gap in Kafka from a retained outbox (CleanupMode.RETAIN), e.g. after the relay's"
          + " slot was lost: find the rows with FROM <= created_at < TO whose event id is on none"
          + " of the topics the relay routes them to (nor on its dead-letter topic), and re-insert"
          + " exactly those so the relay publishes them. Events that reached Kafka stay untouched.",
      "TO defaults to how far the relay has certainly relayed: the last heartbeat it committed"
          + " minus reconcile.max.transaction.age.ms; a later TO is refused. The relay must run"
          + " (or start later) with its slot. Topics are read read_committed from the first"
          + " record stamped at or after FROM."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox outbox reconcile --config relay.properties --from 2026-11-22T09:55:00Z --dry-run",
      "  relaybox outbox reconcile --config relay.properties --from 2026-11-22T09:55:00Z --wait 2m",
      "",
      "FROM: the relay's log names the last relayed commit time when it stops at a gap; start a"
          + " few minutes (the longest transaction) before it. Secrets come from the environment"
          + " like for `relaybox relay` (RELAYBOX_PG_PASSWORD).",
      "Exit codes: 0 nothing missing, or republished (and with --wait, published), 1 the window"
          + " cannot be reconciled or --wait timed out, 2 usage error or bad configuration,"
          + " 3 Postgres or Kafka unreachable."
    })
final class OutboxReconcileCommand implements Callable<Integer> {
  private static final int SHOWN_IDS = 20;

  @Spec CommandSpec spec;

  @Mixin RelayConfigOption relayConfig;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "TS",
      converter = InstantConverter.class,
      description = "Start of the window, inclusive (ISO-8601 instant or epoch millis).")
  Instant from;

  @Option(
      names = "--to",
      paramLabel = "TS",
      converter = InstantConverter.class,
      description = "End of the window, exclusive (default: how far the relay has relayed).")
  Instant to;

  @Option(names = "--dry-run", description = "Find and list the missing events; change nothing.")
  boolean dryRun;

  @Option(
      names = "--wait",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Then wait up to this long until the relay published every one (e.g. 2m).")
  Duration await;

  @Option(
      names = "--allow-truncated-topics",
      description =
          "Reconcile although retention may have deleted records of the window from a topic"
              + " (their events are republished too; consumers skip them).")
  boolean allowTruncated;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RelayConfig relay = relayConfig.load(spec);
    OutboxReconciler reconciler = OutboxReconciler.create(relay);
    if (allowTruncated) {
      reconciler = reconciler.allowTruncatedTopics();
    }
    try (OutboxReconciler.Result r =
        reconciler.reconcile(from, to, dryRun, new Progress(err, "outbox reconcile", -1))) {
      out.printf(
          "%d retained event(s) with %s <= created_at < %s; %d of them on none of %s.%n",
          r.retained(), r.from(), r.to(), r.missing().size(), r.topics());
      if (r.missing().isEmpty()) {
        out.println("Nothing to republish.");
        return 0;
      }
      r.missing().stream().limit(SHOWN_IDS).forEach(id -> out.printf("  missing %s%n", id));
      if (r.missing().size() > SHOWN_IDS) {
        out.printf("  ... and %d more%n", r.missing().size() - SHOWN_IDS);
      }
      if (dryRun) {
        out.println("Dry run: nothing changed.");
        return 0;
      }
      out.printf("Re-inserted %d event(s); the relay publishes them.%n", r.republished());
      if (await == null) {
        return 0;
      }
      Set<UUID> unpublished = r.awaitPublished(await);
      if (!unpublished.isEmpty()) {
        err.printf(
            "relaybox outbox reconcile: %d event(s) not published within %s (first %s): is the"
                + " relay running? Running reconcile again later republishes only what is still"
                + " missing.%n",
            unpublished.size(), await, unpublished.iterator().next());
        return RelayboxCli.EXIT_FAILED;
      }
      out.printf("All %d event(s) are published.%n", r.missing().size());
      return 0;
    } catch (IllegalStateException | IllegalArgumentException e) {
      err.printf("relaybox outbox reconcile: %s%n", e.getMessage());
      return RelayboxCli.EXIT_FAILED;
    } catch (SQLException e) {
      return RelayboxCli.postgresFailed(err, "relaybox outbox reconcile", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return RelayboxCli.EXIT_FAILED;
    } catch (Exception e) {
      err.printf("relaybox outbox reconcile: cannot read Kafka: %s%n", e);
      return RelayboxCli.EXIT_UNAVAILABLE;
    }
  }
}
