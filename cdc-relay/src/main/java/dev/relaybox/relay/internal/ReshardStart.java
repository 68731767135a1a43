package dev.relaybox.relay.internal;

import dev.relaybox.relay.RelayConfig;
import dev.relaybox.relay.RelayException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a live reshard: creates the new layout's publications and slots (they stream from here
 * on), then commits the {@link ReshardBarrier} in one transaction of its own.
 */
public final class ReshardStart {
  private static final Logger LOG = LoggerFactory.getLogger(ReshardStart.class);
  private static final int MAX_CANDIDATES = 1_000_000;

  private ReshardStart() {}

  /**
   * Starts the move from {@code current}'s layout to {@code toCount} shards; returns the barrier.
   *
   * @throws RelayException if the new layout's slots exist already or the relay is not exactly-once
   */
  public static ReshardBarrier start(RelayConfig current, int toCount) throws SQLException {
    Shard from = Shard.of(current);
    new Shard(toCount, 0);
    if (toCount == from.count()) {
      throw new IllegalArgumentException("the relay already runs " + toCount + " shard(s)");
    }
    if (!current.exactlyOnce()) {
      throw new RelayException(
          "a live reshard needs delivery.guarantee=exactly-once; pause the writers instead");
    }
    ReshardBarrier barrier =
        new ReshardBarrier(UUID.randomUUID().toString(), from.count(), toCount);
    try (Connection c = Preflight.connect(current, "relaybox-reshard")) {
      ReshardBarrier.createTables(c, current);
      for (int i = 0; i < toCount; i++) {
        RelayConfig shard = layout(current, toCount, i);
        // The publication first: pgoutput must find it at every WAL position the slot decodes.
        PublicationPreflight.ensure(c, shard);
        createSlot(c, shard);
      }
      insert(c, current, barrier);
    }
    LOG.info("reshard barrier committed {} outbox={}", barrier, Preflight.qualifiedTable(current));
    return barrier;
  }

  /** {@code config} with {@code shard.count} and {@code shard.index} set. */
  static RelayConfig layout(RelayConfig config, int count, int index) {
    Properties p = new Properties();
    p.putAll(config.withPrefix(""));
    p.setProperty(RelaySettings.SHARD_COUNT.key(), Integer.toString(count));
    p.setProperty(RelaySettings.SHARD_INDEX.key(), Integer.toString(index));
    return RelayConfig.fromProperties(p).build();
  }

  private static void createSlot(Connection c, RelayConfig shard) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, shard.slotName());
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          throw new RelayException(
              "Replication slot "
                  + shard.slotName()
                  + " exists already: a relay of the new layout streamed before the barrier"
                  + " and would publish events the old layout publishes too. Stop it, drop the"
                  + " slot and its offsets, and start the reshard again");
        }
      }
    }
    try (PreparedStatement s =
        c.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
      s.setString(1, shard.slotName());
      s.execute();
    }
    LOG.info("created replication slot slot={} ({})", shard.slotName(), Shard.of(shard));
  }

  /** The barrier's definition and its rows, one transaction. */
  private static void insert(Connection c, RelayConfig config, ReshardBarrier barrier)
      throws SQLException {
    List<String> aggregateIds = aggregateIds(c, barrier);
    c.setAutoCommit(false);
    try {
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO "
                  + ReshardBarrier.table(config, "")
                  + " (barrier_id, outbox, from_count, to_count) VALUES (?, ?, ?, ?)")) {
        s.setString(1, barrier.id());
        s.setString(2, Preflight.qualifiedTable(config));
        s.setInt(3, barrier.from());
        s.setInt(4, barrier.to());
        s.executeUpdate();
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO "
                  + Preflight.qualifiedTable(config)
                  + " (id, aggregatetype, aggregateid, type) VALUES (?, ?, ?, ?)")) {
        for (String aggregateId : aggregateIds) {
          s.setObject(1, UUID.randomUUID());
          s.setString(2, ReshardBarrier.AGGREGATE_TYPE);
          s.setString(3, aggregateId);
          s.setString(4, ReshardBarrier.AGGREGATE_TYPE);
          s.addBatch();
        }
        s.executeBatch();
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    }
  }

  /**
   * Aggregate ids whose {@link Shard} hashes cover every shard of both layouts, so that every old
   * and every new shard's publication admits one barrier row.
   */
  private static List<String> aggregateIds(Connection c, ReshardBarrier barrier)
      throws SQLException {
    BitSet oldShards = new BitSet();
    BitSet newShards = new BitSet();
    List<String> ids = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT k, (hashtext(? || k) & 2147483647) % ?, (hashtext(? || k) & 2147483647) % ?"
                + " FROM generate_series(0, ?) k")) {
      String prefix = barrier.aggregateId(0);
      prefix = prefix.substring(0, prefix.length() - 1);
      s.setString(1, prefix);
      s.setInt(2, barrier.from());
      s.setString(3, prefix);
      s.setInt(4, barrier.to());
      s.setInt(5, MAX_CANDIDATES);
      s.setFetchSize(10_000);
      try (ResultSet rs = s.executeQuery()) {
        while ((oldShards.cardinality() < barrier.from() || newShards.cardinality() < barrier.to())
            && rs.next()) {
          int oldShard = rs.getInt(2);
          int newShard = rs.getInt(3);
          if (!oldShards.get(oldShard) || !newShards.get(newShard)) {
            oldShards.set(oldShard);
            newShards.set(newShard);
            ids.add(barrier.aggregateId(rs.getInt(1)));
          }
        }
      }
    }
    return ids;
  }
}
