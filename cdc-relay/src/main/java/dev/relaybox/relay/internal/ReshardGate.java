package dev.relaybox.relay.internal;

import dev.relaybox.relay.RelayConfig;
import dev.relaybox.relay.RelayException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a shard does with the outbox rows around a {@link ReshardBarrier}. A shard of the barrier's
 * old layout relays up to it and then {@link #retire retires}; a new shard started by the reshard
 * (no position yet, a barrier pending for its layout) drops every row before the barrier and, at
 * the barrier, holds until every old shard has recorded that it reached it; any other relay skips
 * barrier rows. Barrier rows are never published.
 */
final class ReshardGate {
  private static final Logger LOG = LoggerFactory.getLogger(ReshardGate.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration LOG_EVERY = Duration.ofSeconds(10);

  /** What to do with one outbox row. */
  enum Action {
    RELAY,
    /** Not published; the position moves past it. */
    SKIP,
    /** A barrier retiring this shard: publish what precedes it, then stop. */
    RETIRE
  }

  private final RelayConfig config;
  private final Shard shard;
  private volatile ReshardBarrier pending;
  private volatile String holdReason;

  /**
   * @param pending the barrier a new shard waits for (it drops every row before it), or null
   */
  ReshardGate(RelayConfig config, ReshardBarrier pending) {
    this.config = config;
    this.shard = Shard.of(config);
    this.pending = pending;
  }

  /** Whether rows are dropped because the barrier starting this layout has not come yet. */
  boolean beforeBarrier() {
    return pending != null;
  }

  /** Why the relay does not publish although it streams (holding at the barrier), if it is. */
  Optional<String> holdReason() {
    return Optional.ofNullable(holdReason);
  }

  /** The action for {@code row}; at the barrier a new shard first waits for the old ones. */
  Action action(Struct row) throws InterruptedException {
    ReshardBarrier barrier = ReshardBarrier.of(row);
    if (barrier == null) {
      return pending == null ? Action.RELAY : Action.SKIP;
    }
    if (barrier.from() == shard.count() && barrier.to() != shard.count() && pending == null) {
      return Action.RETIRE;
    }
    if (pending != null && barrier.id().equals(pending.id())) {
      awaitOldShards(barrier);
      pending = null;
      LOG.info("passed reshard barrier {} ({}): publishing from here", barrier, shard);
    } else {
      LOG.info("skipping reshard barrier row {} ({})", barrier, shard);
    }
    return Action.SKIP;
  }

  /**
   * Records that this old shard reached {@code barrier} (every row before it is committed in Kafka)
   * and returns the exception that stops the relay for good.
   */
  RetiredException retire(Struct row) {
    ReshardBarrier barrier = ReshardBarrier.of(row);
    try (Connection c = Preflight.connect(config)) {
      barrier.reached(c, config, shard);
    } catch (SQLException e) {
      throw new RelayException(
          "could not record that " + shard + " reached reshard barrier " + barrier.id(), e);
    }
    LOG.warn(
        "retired at reshard barrier {} ({}): every event before it is in"
            + " Kafka; stop this relay and drop its slot {} and publication {}",
        barrier,
        shard,
        config.slotName(),
        config.publicationName());
    return new RetiredException(config, barrier);
  }

  private void awaitOldShards(ReshardBarrier barrier) throws InterruptedException {
    long started = System.nanoTime();
    long lastLog = 0;
    try (Connection c = Preflight.connect(config)) {
      for (int done; (done = barrier.oldShardsDone(c, config)) < barrier.from(); ) {
        holdReason =
            "holding at reshard barrier "
                + barrier.id()
                + ": "
                + done
                + " of "
                + barrier.from()
                + " old shards have published everything before it";
        long waited = System.nanoTime() - started;
        if (waited - lastLog >= LOG_EVERY.toNanos()) {
          lastLog = waited;
          LOG.info("{} ({}) waitedMs={}", holdReason, shard, TimeUnit.NANOSECONDS.toMillis(waited));
        }
        TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
      }
    } catch (SQLException e) {
      throw new RelayException("could not read reshard barrier " + barrier.id(), e);
    } finally {
      holdReason = null;
    }
  }

  /** An old shard reached the barrier of a new layout: it publishes nothing more. */
  static final class RetiredException extends RelayException {
    private static final long serialVersionUID = 1L;

    RetiredException(RelayConfig config, ReshardBarrier barrier) {
      super(
          "This relay ("
              + Shard.of(config)
              + ") is retired: it published every event before reshard barrier "
              + barrier.id()
              + " to "
              + barrier.to()
              + " shard(s), which now publish the rest. Stop it and drop its slot and"
              + " publication: SELECT pg_drop_replication_slot('"
              + config.slotName()
              + "'); DROP PUBLICATION "
              + config.publicationName());
    }
  }
}
