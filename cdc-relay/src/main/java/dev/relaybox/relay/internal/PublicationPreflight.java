package dev.relaybox.relay.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.relay.RelayConfig;
import dev.relaybox.relay.RelayException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the relay's inserts-only publication of the outbox table when missing, row-filtered to
 * the relay's {@link Shard} when sharded, and refuses an existing one that publishes anything else:
 * other tables or operations, or rows of another shard (a {@code rowfilter} other than the shard's,
 * or any filter on an unsharded relay, which would silently skip events).
 */
final class PublicationPreflight {
  private static final Logger LOG = LoggerFactory.getLogger(PublicationPreflight.class);
  private static final String PROBE = "relaybox_rowfilter_probe";

  private PublicationPreflight() {}

  static void ensure(Connection c, RelayConfig config) throws SQLException {
    Shard shard = Shard.of(config);
    if (shard.sharded()) {
      checkRowFilterSupport(c);
    }
    String name = config.publicationName();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT puballtables, pubupdate, pubdelete, pubtruncate,"
                + " (SELECT count(*) FROM pg_publication_tables t WHERE t.pubname = p.pubname),"
                + " (SELECT count(*) FROM pg_publication_tables t WHERE t.pubname = p.pubname"
                + "   AND t.schemaname = ? AND t.tablename = ?),"
                // to_jsonb: the rowfilter column exists from Postgres 15 on only.
                + " (SELECT to_jsonb(t) ->> 'rowfilter' FROM pg_publication_tables t"
                + "   WHERE t.pubname = p.pubname AND t.schemaname = ? AND t.tablename = ?)"
                + " FROM pg_publication p WHERE pubname = ?")) {
      s.setString(1, config.get(CommonSettings.OUTBOX_SCHEMA));
      s.setString(2, config.get(CommonSettings.OUTBOX_TABLE));
      s.setString(3, config.get(CommonSettings.OUTBOX_SCHEMA));
      s.setString(4, config.get(CommonSettings.OUTBOX_TABLE));
      s.setString(5, name);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          create(c, config, name, shard);
          return;
        }
        boolean onlyOutbox = !rs.getBoolean(1) && rs.getLong(5) == 1 && rs.getLong(6) == 1;
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
                  + Preflight.qualifiedTable(config)
                  + tableFilter(shard)
                  + "; ALTER PUBLICATION "
                  + name
                  + " SET (publish = 'insert')");
        }
        checkRowFilter(c, config, name, shard, rs.getString(7));
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
            + " Check which relay uses it; then fix it with ALTER PUBLICATION "
            + name
            + " SET TABLE "
            + Preflight.qualifiedTable(config)
            + tableFilter(shard)
            + ", or drop it (DROP PUBLICATION "
            + name
            + ") to let the relay create it");
  }

  private static void create(Connection c, RelayConfig config, String name, Shard shard)
      throws SQLException {
    // Identifiers are validated by RelayConfig ([a-z_][a-z0-9_$]*), so quoting is safe.
    try (Statement s = c.createStatement()) {
      s.execute(createSql(config, name, shard));
    }
    LOG.info(
        "created publication publication={} table={} publish=insert {} rowFilter={}",
        name,
        Preflight.qualifiedTable(config),
        shard,
        shard.rowFilter());
  }

  private static String createSql(RelayConfig config, String name, Shard shard) {
    return "CREATE PUBLICATION \""
        + name
        + "\" FOR TABLE "
        + Preflight.qualifiedTable(config)
        + tableFilter(shard)
        + " WITH (publish = 'insert')";
  }

  private static String tableFilter(Shard shard) {
    return shard.sharded() ? " WHERE (" + shard.rowFilter() + ")" : "";
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

  private static void checkRowFilterSupport(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW server_version_num")) {
      rs.next();
      if (Integer.parseInt(rs.getString(1)) < 150000) {
        throw new RelayException(
            "shard.count above 1 needs Postgres 15 or later (publication row filters); this"
                + " server is "
                + rs.getString(1)
                + ": run one relay (shard.count=1)");
      }
    }
  }
}
