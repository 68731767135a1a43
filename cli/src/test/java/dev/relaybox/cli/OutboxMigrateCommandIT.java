package dev.relaybox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code relaybox outbox migrate} against the devstack's Postgres. */
@ExtendWith(DevStackExtension.class)
class OutboxMigrateCommandIT {
  private final String schema = "migrate_" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void createsTheOutboxTableAndIsIdempotent(DevStack stack) throws SQLException {
    CliRun first = migrate(stack, "--schema", schema, "--table", "events");
    CliRun second = migrate(stack, "--schema", schema, "--table", "events");

    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(second.out()).contains("Outbox table " + schema + ".events is up to date.");
    assertThat(columns(stack, "events"))
        .contains("id", "aggregatetype", "aggregateid", "type", "payload", "created_at", "headers");
  }

  @Test
  void aBadIdentifierIsAUsageErrorAndCreatesNothing(DevStack stack) throws SQLException {
    CliRun run = migrate(stack, "--schema", schema, "--table", "events; drop table x");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("table");
    assertThat(columns(stack, "events")).isEmpty();
  }

  @Test
  void anUnreachableDatabaseIsReportedAsUnavailableWithoutThePassword() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    CliRun run =
        CliRun.of(
            "outbox",
            "migrate",
            "--jdbc-url",
            "jdbc:postgresql://127.0.0.1:" + closedPort + "/app?connectTimeout=2&password=hunter2");

    assertThat(run.exit()).isEqualTo(RelayboxCli.EXIT_UNAVAILABLE);
    assertThat(run.err())
        .contains("cannot connect to Postgres for public.outbox at jdbc:postgresql://127.0.0.1:")
        .contains("$RELAYBOX_PG_PASSWORD")
        .doesNotContain("hunter2");
  }

  private static CliRun migrate(DevStack stack, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "outbox",
                "migrate",
                "--jdbc-url",
                stack.postgres().jdbcUrl(),
                "--pg-user",
                stack.postgres().username()));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  private List<String> columns(DevStack stack, String table) throws SQLException {
    try (Connection c = stack.postgres().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT column_name FROM information_schema.columns"
                    + " WHERE table_schema = ? AND table_name = ?")) {
      s.setString(1, schema);
      s.setString(2, table);
      List<String> columns = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
      return columns;
    }
  }
}
