package dev.relaybox.relay.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.relay.RelayConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Struct;

/**
 * A live reshard's barrier: outbox rows of the reserved aggregate type {@value #AGGREGATE_TYPE},
 * inserted in one transaction whose aggregate ids ({@code <id>:<from>:<to>:<k>}) hash to every
 * shard of both layouts, so each old and each new shard's publication admits at least one of them.
 * Shards of the old layout ({@code from} shards) publish what precedes it and retire; shards of the
 * new layout ({@code to} shards) publish what follows it once every old shard has recorded that it
 * reached it in the table {@value #TABLE}_shard. The relay never publishes nor dead-letters a
 * barrier row.
 *
 * @param id the barrier's id (a UUID)
 * @param from the shard count of the layout it retires
 * @param to the shard count of the layout it starts
 */
public record ReshardBarrier(String id, int from, int to) {

  /** The reserved {@code aggregatetype} of barrier rows. */
  public static final String AGGREGATE_TYPE = "relaybox.reshard";

  /** The table of barriers; {@value}_shard records the shards that reached one. */
  public static final String TABLE = "relaybox_reshard";

  private static final Pattern AGGREGATE_ID =
      Pattern.compile("([0-9a-f-]{36}):([0-9]{1,4}):([0-9]{1,4}):[0-9]+");

  /** The barrier a routed outbox row is, or null for an event. */
  static ReshardBarrier of(Struct row) {
    if (!AGGREGATE_TYPE.equals(row.get("aggregatetype"))) {
      return null;
    }
    Matcher m = AGGREGATE_ID.matcher(String.valueOf(row.get("aggregateid")));
    if (!m.matches()) {
      // Never published either: the reserved type is not an event's.
      return new ReshardBarrier("malformed", 0, 0);
    }
    return new ReshardBarrier(
        m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
  }

  /** {@code barrierId=… from=… to=…}, for logs. */
  @Override
  public String toString() {
    return "barrierId=" + id + " from=" + from + " to=" + to;
  }

  /** The aggregate id of this barrier's {@code k}-th row. */
  public String aggregateId(int k) {
    return id + ":" + from + ":" + to + ":" + k;
  }

  /** Creates the barrier tables in the outbox's schema when missing. */
  public static void createTables(Connection c, RelayConfig config) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + table(config, "")
              + " (barrier_id text PRIMARY KEY, outbox text NOT NULL, from_count int NOT NULL,"
              + " to_count int NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + table(config, "_shard")
              + " (barrier_id text NOT NULL, shard_count int NOT NULL, shard_index int NOT NULL,"
              + " reached_at timestamptz NOT NULL DEFAULT now(),"
              + " PRIMARY KEY (barrier_id, shard_count, shard_index))");
    }
  }

  /**
   * The newest barrier that starts the relay's layout, or null: a new shard without a position
   * drops everything before it.
   */
  static ReshardBarrier pending(Connection c, RelayConfig config) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?)")) {
      s.setString(1, table(config, ""));
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next() || rs.getString(1) == null) {
          return null;
        }
      }
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT barrier_id, from_count, to_count FROM "
                + table(config, "")
                + " WHERE outbox = ? AND to_count = ? ORDER BY created_at DESC LIMIT 1")) {
      s.setString(1, Preflight.qualifiedTable(config));
      s.setInt(2, Shard.of(config).count());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? new ReshardBarrier(rs.getString(1), rs.getInt(2), rs.getInt(3)) : null;
      }
    }
  }

  /** Records that {@code shard} reached this barrier (idempotent). */
  void reached(Connection c, RelayConfig config, Shard shard) throws SQLException {
    String sql =
        "INSERT INTO %s (barrier_id, shard_count, shard_index) VALUES (?, ?, ?)"
            + " ON CONFLICT DO NOTHING";
    try (PreparedStatement s = shardStatement(c, config, sql, shard.count())) {
      s.setInt(3, shard.index());
      s.executeUpdate();
    }
  }

  /** How many shards of the old layout have recorded that they reached this barrier. */
  int oldShardsDone(Connection c, RelayConfig config) throws SQLException {
    String sql = "SELECT count(*) FROM %s WHERE barrier_id = ? AND shard_count = ?";
    try (PreparedStatement s = shardStatement(c, config, sql, from);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** {@code sql} on the shards' table ({@code %s}) with this barrier's id and a shard count set. */
  private PreparedStatement shardStatement(
      Connection c, RelayConfig config, String sql, int shardCount) throws SQLException {
    PreparedStatement s = c.prepareStatement(String.format(sql, table(config, "_shard")));
    s.setString(1, id);
    s.setInt(2, shardCount);
    return s;
  }

  /** {@code "<outbox schema>".relaybox_reshard<suffix>}. */
  public static String table(RelayConfig config, String suffix) {
    return "\"" + config.get(CommonSettings.OUTBOX_SCHEMA) + "\"." + TABLE + suffix;
  }
}
