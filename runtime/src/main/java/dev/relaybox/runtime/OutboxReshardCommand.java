package dev.relaybox.runtime;

import dev.relaybox.relay.RelayConfig;
import dev.relaybox.relay.RelayException;
import dev.relaybox.relay.Reshard;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Starts a live reshard of the relay: {@link Reshard#start}. */
@Command(
    name = "reshard",
    mixinStandardHelpOptions = true,
    description = {
      "Move the relay to another number of shards while writers keep committing: create the new"
          + " shards' publications and slots, then commit a barrier row into the outbox. The"
          + " running relays publish everything before the barrier and retire; the new shards"
          + " publish everything after it, once every old shard is done (cdc-relay/README.md,"
          + " \"Adding or removing a shard\").",
      "CONFIG is the running relays' file (its shard.count is the layout moved from; shard.index"
          + " does not matter). Needs delivery.guarantee=exactly-once."
    },
    footer = {
      "",
      "Examples:",
      "  relaybox outbox reshard --config relay.properties --to 2",
      "",
      "Afterwards start the new shards: the same file with shard.count=<TO> and shard.index 0 to"
          + " <TO>-1 (a relay each). Old relays exit as retired; drop their slots and publications"
          + " as their log says. Secrets come from the environment like for `relaybox relay`.",
      "Exit codes: 0 barrier committed, 1 refused (the message says why), 2 usage error or bad"
          + " configuration, 3 Postgres unreachable."
    })
final class OutboxReshardCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RelayConfigOption relayConfig;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "COUNT",
      description = "The number of shards to move to (1 = one unsharded relay).")
  int toCount;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RelayConfig relay = relayConfig.load(spec);
    try {
      String barrier = Reshard.start(relay, toCount);
      out.printf(
          "Reshard barrier %s committed: %s shard(s) -> %d.%n"
              + "Start the new relays now: shard.count=%d with shard.index 0 to %d.%n",
          barrier, relay.value("shard.count"), toCount, toCount, toCount - 1);
      return 0;
    } catch (IllegalArgumentException | RelayException e) {
      err.printf("relaybox outbox reshard: %s%n", e.getMessage());
      return RelayboxCli.EXIT_FAILED;
    } catch (SQLException e) {
      return RelayboxCli.postgresFailed(err, "relaybox outbox reshard", e);
    }
  }
}
