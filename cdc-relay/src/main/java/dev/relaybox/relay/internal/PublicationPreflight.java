package dev.relaybox.relay.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.relay.RelayConfig;
import dev.relaybox.relay.RelayException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the relay's inserts-only publication of the outbox table when missing, row-filtered to
 * the relay's {@link Shard} when sharded and without {@code created_at} when records carry their
 * commit time, and refuses an existing one that publishes anything else: other tables or
 * operations, rows of another shard (a {@code rowfilter} other than the shard's, or any filter on
 * an unsharded relay, which would silently skip events), or too few columns.
 */
final class PublicationPreflight {
  private static final Logger LOG = LoggerFactory.getLogger(PublicationPreflight.class);
  private static final String PROBE = "relaybox_rowfilter_probe";

  private PublicationPreflight() {}

  static void ensure(Connection c, RelayConfig config) throws SQLException {
    Shard shard = Shard.of(config);
    requirePostgres15(c, config, shard);
    String name = config.publicationName();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT p.puballtables, p.pubupdate, p.pubdelete, p.pubtruncate,"
                + " (SELECT count(*) FROM pg_publication_tables n WHERE n.pubname = p.pubname),"
                + " t.tablename IS NOT NULL,"
                // to_jsonb: the rowfilter column exists from Postgres 15 on only.
                + " to_jsonb(t) ->> 'rowfilter',"
                // attnames (Postgres 15+): the published columns, all without a column list.
                + " (SELECT string_agg(a, ',')"
                + "   FROM jsonb_array_elements_text(to_jsonb(t) -> 'attnames') a)"
                + " FROM pg_publication p LEFT JOIN pg_publication_tables t"
                + "   ON t.pubname = p.pubname AND t.schemaname = ? AND t.tablename = ?"
                + " WHERE p.pubname = ?")) {
      s.setString(1, config.get(CommonSettings.OUTBOX_SCHEMA));
      s.setString(2, config.get(CommonSettings.OUTBOX_TABLE));
      s.setString(3, name);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          create(c, config, name, shard);
          return;
        }
        boolean onlyOutbox = !rs.getBoolean(1) && rs.getLong(5) == 1 && rs.getBoolean(6);
        boolean onlyInserts = !rs.getBoolean(2) && !rs.getBoolean(3) && !rs.getBoolean(4);
        if (!onlyOutbox || !onlyInserts) {
          throw new RelayException(
              "Publication "
                  + name
                  + " exists but does not publish only inserts of "
                  + Preflight.qualifiedTable(config)
                  + "; drop it (DROP PUBLICATION "
                  + name
                  + ") to let the relay create it, or fix it: ALTER PUBLICATION "
                  + name
                  + " SET TABLE "
                  + tableSpec(config, shard)
                  + "; ALTER PUBLICATION "
                  + name
                  + " SET (publish = 'insert')");
        }
        checkRowFilter(c, config, name, shard, rs.getString(7));
        checkColumns(config, name, shard, rs.getString(8));
      }
    }
  }

  private static void checkRowFilter(
      Connection c, RelayConfig config, String name, Shard shard, String actual)
      throws SQLException {
    // Without a filter on a sharded relay the answer is plain: no probe (nor its privilege) needed.
    String expected =
        !shard.sharded()
            ? null
            : actual == null ? shard.rowFilter() : normalisedFilter(c, config, shard);
    if (Objects.equals(actual, expected)) {
      return;
    }
    throw new RelayException(
        "Publication "
            + name
            + (actual == null ? " has no row filter" : " filters rows by " + actual)
            + " but the relay ("
            + shard
            + ") needs "
            + (expected == null ? "no row filter" : expected)
            + ": it was made for another shard layout or by hand, and would skip or double events."
            + " Check which relay uses it; then "
            + fix(config, name, shard));
  }

  /**
   * Refuses a publication that leaves out a column the relay reads ({@code created_at} too unless
   * {@code record.timestamp=commit}); warns when it publishes {@code created_at} needlessly. {@code
   * published} is null before Postgres 15 (no column lists: every column).
   */
  private static void checkColumns(RelayConfig config, String name, Shard shard, String published) {
    if (published == null) {
      return;
    }
    Set<String> columns = Set.of(published.split(","));
    List<String> needed = new ArrayList<>(OutboxRouter.COLUMNS);
    if (!config.commitTimestamps()) {
      needed.add(CreatedAtConverter.COLUMN);
    }
    List<String> missing = needed.stream().filter(n -> !columns.contains(n)).toList();
    if (!missing.isEmpty()) {
      throw new RelayException(
          "Publication "
              + name
              + " leaves out "
              + missing
              + ", which the relay needs (record.timestamp="
              + config.get(RelaySettings.RECORD_TIMESTAMP)
              + "); "
              + fix(config, name, shard));
    }
    if (config.commitTimestamps() && columns.contains(CreatedAtConverter.COLUMN)) {
      LOG.warn(
          "publication={} publishes {}, which record.timestamp=commit does not use; Debezium"
              + " still parses it per event. Leave it out (with the relay stopped): ALTER"
              + " PUBLICATION {} SET TABLE {}",
          name,
          CreatedAtConverter.COLUMN,
          name,
          tableSpec(config, shard));
    }
  }

  private static void create(Connection c, RelayConfig config, String name, Shard shard)
      throws SQLException {
    // Identifiers are validated by RelayConfig ([a-z_][a-z0-9_$]*), so quoting is safe.
    try (Statement s = c.createStatement()) {
      s.execute(createSql(config, name, shard));
    }
    LOG.info(
        "created publication publication={} table={} columns={} publish=insert {} rowFilter={}",
        name,
        Preflight.qualifiedTable(config),
        config.commitTimestamps() ? OutboxRouter.COLUMNS : "all",
        shard,
        shard.rowFilter());
  }

  private static String createSql(RelayConfig config, String name, Shard shard) {
    return "CREATE PUBLICATION \""
        + name
        + "\" FOR TABLE "
        + tableSpec(config, shard)
        + " WITH (publish = 'insert')";
  }

  private static String fix(RelayConfig config, String name, Shard shard) {
    return "fix it with ALTER PUBLICATION "
        + name
        + " SET TABLE "
        + tableSpec(config, shard)
        + ", or drop it (DROP PUBLICATION "
        + name
        + ") to let the relay create it";
  }

  /** The outbox table as the publication lists it: its column list and row filter, if any. */
  private static String tableSpec(RelayConfig config, Shard shard) {
    return Preflight.qualifiedTable(config)
        + (config.commitTimestamps() ? " (" + String.join(", ", OutboxRouter.COLUMNS) + ")" : "")
        + (shard.sharded() ? " WHERE (" + shard.rowFilter() + ")" : "");
  }

  /**
   * The shard's row filter as Postgres stores and shows it ({@code pg_get_expr}): created on a
   * probe publication inside a transaction that is rolled back.
   */
  private static String normalisedFilter(Connection c, RelayConfig config, Shard shard)
      throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      try {
        s.execute(createSql(config, PROBE, shard));
      } catch (SQLException e) {
        if (!"42501".equals(e.getSQLState())) {
          throw e;
        }
        throw new RelayException(
            "Publication "
                + config.publicationName()
                + " exists with a row filter, and to compare it with the shard's the relay creates"
                + " a probe publication in a transaction it rolls back, which needs CREATE on the"
                + " database and ownership of "
                + Preflight.qualifiedTable(config)
                + " ("
                + e.getMessage()
                + "). Run the relay as a role that owns the table and may create in the database"
                + " (GRANT CREATE ON DATABASE "
                + config.get(CommonSettings.PG_DATABASE)
                + " TO <role>)",
            e);
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT rowfilter FROM pg_publication_tables WHERE pubname = '" + PROBE + "'")) {
        rs.next();
        return rs.getString(1);
      }
    } finally {
      c.rollback();
      c.setAutoCommit(autoCommit);
    }
  }

  /** A setting that needs Postgres 15, and what to do instead on an older server. */
  private record Needs15(String setting, String instead) {}

  /** Refuses a server before Postgres 15 when sharding or commit timestamps need its features. */
  private static void requirePostgres15(Connection c, RelayConfig config, Shard shard)
      throws SQLException {
    List<Needs15> needs = new ArrayList<>();
    if (shard.sharded()) {
      needs.add(new Needs15("shard.count above 1", "run one relay (shard.count=1)"));
    }
    if (config.commitTimestamps()) {
      needs.add(
          new Needs15("record.timestamp=commit", "use record.timestamp=created_at, the default"));
    }
    if (needs.isEmpty()) {
      return;
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW server_version_num")) {
      rs.next();
      if (Integer.parseInt(rs.getString(1)) < 150000) {
        throw new RelayException(
            String.join(" and ", needs.stream().map(Needs15::setting).toList())
                + (needs.size() == 1 ? " needs" : " need")
                + " Postgres 15 or later (publication row filters and column lists); this server"
                + " is "
                + rs.getString(1)
                + ": "
                + String.join(", and ", needs.stream().map(Needs15::instead).toList()));
      }
    }
  }
}
