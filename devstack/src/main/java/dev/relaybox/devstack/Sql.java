package dev.relaybox.devstack;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * One-line JDBC for test set-up and checks against the stack's Postgres: each call takes a
 * connection from the data source, runs one statement in auto-commit and closes everything.
 * Statements are plain strings: build them only from names the test made up, never from input.
 */
public final class Sql {

  /** Reads one value from the current row of a result set. */
  @FunctionalInterface
  public interface Row<T> {
    T read(ResultSet row) throws SQLException;
  }

  private Sql() {}

  /** Runs one statement, e.g. DDL or an {@code INSERT}. */
  public static void execute(DataSource dataSource, String sql) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Runs a query and reads every row, in the order the query returns them. */
  public static <T> List<T> query(DataSource dataSource, String sql, Row<T> row)
      throws SQLException {
    List<T> values = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(row.read(rs));
      }
    }
    return values;
  }
}
