package dev.relaybox.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.Sql;
import java.sql.SQLException;
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
    CliRun first = migrate(stack, "events");
    CliRun second = migrate(stack, "events");

    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(second.out()).contains("Outbox table " + schema + ".events is up to date.");
    assertThat(columns(stack, "events"))
        .contains("id", "aggregatetype", "aggregateid", "type", "payload", "created_at", "headers");
  }

  @Test
  void aBadIdentifierIsAUsageErrorAndCreatesNothing(DevStack stack) throws SQLException {
    CliRun run = migrate(stack, "events; drop table x");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("table");
    assertThat(columns(stack, "events")).isEmpty();
  }

  @Test
  void anUnreachableDatabaseIsReportedAsUnavailableWithoutThePassword() throws Exception {
    CliRun run = CliRun.withUnreachablePostgres("outbox migrate");

    assertThat(run.exit()).isEqualTo(RelayboxCli.EXIT_UNAVAILABLE);
    assertThat(run.err())
        .contains("cannot connect to Postgres for public.outbox at jdbc:postgresql://127.0.0.1:")
        .contains("$RELAYBOX_PG_PASSWORD")
        .doesNotContain(CliRun.URL_PASSWORD);
  }

  private CliRun migrate(DevStack stack, String table) {
    return CliRun.withPostgres(stack, "outbox migrate", "--schema", schema, "--table", table);
  }

  private List<String> columns(DevStack stack, String table) throws SQLException {
    return Sql.query(
        stack.postgres().dataSource(),
        "SELECT column_name FROM information_schema.columns WHERE table_schema = '"
            + schema
            + "' AND table_name = '"
            + table
            + "'",
        row -> row.getString(1));
  }
}
