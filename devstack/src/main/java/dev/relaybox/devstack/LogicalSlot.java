package dev.relaybox.devstack;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A logical replication slot with Postgres' built-in {@code test_decoding} plugin, for tests that
 * check what committed transactions wrote to the WAL (the stream the relay reads).
 *
 * <p>The slot sees every change committed after {@link #create} returns, in commit order, until
 * {@link #close()} drops it. A slot keeps WAL on the server while it exists: always close it (try
 * with resources or an {@code @AfterEach}). Not thread-safe; every call uses its own connection
 * from the data source.
 */
public final class LogicalSlot implements AutoCloseable {
  private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

  private final DataSource dataSource;
  private final String name;

  private LogicalSlot(DataSource dataSource, String name) {
    this.dataSource = dataSource;
    this.name = name;
  }

  /**
   * Creates the slot {@code name} in the database of {@code dataSource}.
   *
   * @param name lower-case letters, digits and underscores, at most 63 characters; add a random
   *     suffix, since tests share one server
   * @throws IllegalArgumentException if {@code name} is not a valid slot name
   * @throws SQLException if Postgres refuses, e.g. a slot of that name exists already
   */
  public static LogicalSlot create(DataSource dataSource, String name) throws SQLException {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(name, "name");
    if (!SLOT_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "slot name must be 1-63 lower-case letters, digits or underscores, was '" + name + "'");
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement create =
            c.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'test_decoding')")) {
      create.setString(1, name);
      create.execute();
    }
    return new LogicalSlot(dataSource, name);
  }

  /** The slot's name. */
  public String name() {
    return name;
  }

  /**
   * Consumes the row changes committed since the slot was created or last consumed, in commit
   * order; transaction boundaries ({@code BEGIN}/{@code COMMIT}) are left out. A second call
   * returns only what was committed in between.
   */
  public List<Change> consumeChanges() throws SQLException {
    List<Change> changes = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement get =
            c.prepareStatement("SELECT data FROM pg_logical_slot_get_changes(?, NULL, NULL)")) {
      get.setString(1, name);
      try (ResultSet rs = get.executeQuery()) {
        while (rs.next()) {
          String data = rs.getString(1);
          if (data.startsWith("table ")) {
            changes.add(Change.parse(data));
          }
        }
      }
    }
    return changes;
  }

  /** {@link #consumeChanges()} of one table only; the others' changes are consumed too. */
  public List<Change> consumeChanges(String qualifiedTable) throws SQLException {
    List<Change> changes = new ArrayList<>(consumeChanges());
    changes.removeIf(change -> !change.table().equals(qualifiedTable));
    return changes;
  }

  /**
   * {@link #consumeChanges(String)}, keeping the {@code id} of each INSERT: for an outbox table
   * (uuid primary key {@code id}), the events written, in commit order.
   *
   * @throws IllegalArgumentException if an INSERT into the table has no {@code id} column
   */
  public List<UUID> consumeInsertedIds(String qualifiedTable) throws SQLException {
    return consumeChanges(qualifiedTable).stream()
        .filter(change -> change.operation().equals("INSERT"))
        .map(change -> UUID.fromString(change.column("id")))
        .toList();
  }

  /** Drops the slot, releasing the WAL it kept. */
  @Override
  public void close() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement drop = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
      drop.setString(1, name);
      drop.execute();
    }
  }

  /**
   * One row change as {@code test_decoding} prints it, e.g. {@code table app.outbox: INSERT:
   * id[uuid]:'6f1c…' aggregatetype[character varying]:'order' …}.
   *
   * @param table the schema-qualified table, e.g. {@code app.outbox}
   * @param operation {@code INSERT}, {@code UPDATE}, {@code DELETE} or {@code TRUNCATE}
   * @param data the whole line, for assertions on anything not parsed here
   */
  public record Change(String table, String operation, String data) {
    // Hand-written: test_decoding's text format is for tests and no library parses it.

    static Change parse(String data) {
      int tableEnd = data.indexOf(": ");
      int operationEnd = data.indexOf(':', tableEnd + 2);
      if (tableEnd < 0 || operationEnd < 0) {
        throw new IllegalArgumentException("not a test_decoding row change: " + data);
      }
      return new Change(
          data.substring("table ".length(), tableEnd),
          data.substring(tableEnd + 2, operationEnd),
          data);
    }

    /**
     * The value of a column as {@code test_decoding} printed it, without quotes ({@code ''}
     * unescaped): the new row of an INSERT or UPDATE, the key of a DELETE. SQL NULL is {@code
     * "null"}, as printed.
     *
     * @throws IllegalArgumentException if the change carries no such column
     */
    public String column(String name) {
      int start = data.indexOf(": ", "table ".length() + table.length() + 2);
      int newTuple = data.indexOf(" new-tuple: ");
      int i = newTuple >= 0 ? newTuple + " new-tuple: ".length() : start + 2;
      while (i < data.length()) {
        int typeStart = data.indexOf('[', i);
        int valueStart = data.indexOf("]:", typeStart);
        if (typeStart < 0 || valueStart < 0) {
          break;
        }
        String column = data.substring(i, typeStart);
        i = valueStart + 2;
        StringBuilder value = new StringBuilder();
        if (i < data.length() && data.charAt(i) == '\'') {
          // A quoted value ends at a quote that is not doubled.
          for (i++; i < data.length(); i++) {
            char ch = data.charAt(i);
            if (ch == '\'' && i + 1 < data.length() && data.charAt(i + 1) == '\'') {
              value.append('\'');
              i++;
            } else if (ch == '\'') {
              i++;
              break;
            } else {
              value.append(ch);
            }
          }
        } else {
          int end = data.indexOf(' ', i);
          end = end < 0 ? data.length() : end;
          value.append(data, i, end);
          i = end;
        }
        if (column.equals(name)) {
          return value.toString();
        }
        i++; // the space before the next column
      }
      throw new IllegalArgumentException("no column '" + name + "' in change: " + data);
    }
  }
}
