package dev.relaybox.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.Sql;
import dev.relaybox.outbox.Outbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code relaybox outbox reshard} against the devstack's Postgres: it creates the new layout's
 * slots, commits the barrier, tells the operator what to start, and refuses a second start, the
 * current count and an at-least-once relay. The protocol itself (old shards retire, new ones hold
 * and publish; nothing lost or doubled while a writer commits) is {@code RelayReshardIT}'s.
 */
@ExtendWith(DevStackExtension.class)
class OutboxReshardCommandIT {
  private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final String schema = "reshard_cli_" + id;
  private final String slot = "reshard_" + id;

  @Test
  void startsAReshardOnceAndSaysWhatToStart(DevStack stack, @TempDir Path dir) throws Exception {
    DataSource db = stack.postgres().dataSource();
    Path config = writeConfig(stack, dir.resolve("relay.properties"), "exactly-once");
    try (Outbox outbox =
        Outbox.builder().schema(schema).serializer((t, data) -> new byte[0]).build()) {
      outbox.migrate(db);

      CliRun run = reshard(config, "2");
      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out())
          .contains("Reshard barrier ")
          .contains("1 shard(s) -> 2")
          .contains("shard.count=2 with shard.index 0 to 1");
      assertThat(strings(db, "SELECT slot_name FROM pg_replication_slots ORDER BY slot_name"))
          .contains(slot + "_shard_0_of_2", slot + "_shard_1_of_2");
      assertThat(strings(db, "SELECT from_count || '->' || to_count FROM " + barriers()))
          .containsExactly("1->2");
      assertThat(strings(db, "SELECT DISTINCT aggregatetype FROM \"" + schema + "\".outbox"))
          .containsExactly("relaybox.reshard");

      CliRun again = reshard(config, "2");
      assertThat(again.exit()).isEqualTo(RelayboxCli.EXIT_FAILED);
      assertThat(again.err()).contains(slot + "_shard_0_of_2 exists already");

      CliRun same = reshard(config, "1");
      assertThat(same.exit()).isEqualTo(RelayboxCli.EXIT_FAILED);
      assertThat(same.err()).contains("already runs 1 shard(s)");

      Path atLeastOnce = writeConfig(stack, dir.resolve("alo.properties"), "at-least-once");
      CliRun alo = reshard(atLeastOnce, "3");
      assertThat(alo.exit()).isEqualTo(RelayboxCli.EXIT_FAILED);
      assertThat(alo.err()).contains("needs delivery.guarantee=exactly-once");
      assertThat(strings(db, "SELECT count(*)::text FROM " + barriers())).containsExactly("1");
    } finally {
      Sql.execute(
          db,
          "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
              + " WHERE slot_name LIKE '"
              + slot
              + "%' AND NOT active");
      for (String publication :
          strings(db, "SELECT pubname FROM pg_publication WHERE pubname LIKE '" + slot + "%'")) {
        Sql.execute(db, "DROP PUBLICATION " + publication);
      }
      Sql.execute(db, "DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @Test
  void aMissingCountIsAUsageError(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("relay.properties");
    Files.writeString(config, "pg.database=app\n");
    CliRun run = CliRun.of("outbox", "reshard", "--config", config.toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--to");
  }

  private String barriers() {
    return "\"" + schema + "\".relaybox_reshard";
  }

  private static CliRun reshard(Path config, String to) {
    return CliRun.of("outbox", "reshard", "--config", config.toString(), "--to", to);
  }

  private Path writeConfig(DevStack stack, Path file, String guarantee) throws Exception {
    return CliRun.relayConfig(
        stack,
        file,
        Map.of(
            "relay.name", "reshard-" + id,
            "outbox.schema", schema,
            "slot.name", slot,
            "publication.name", slot,
            "delivery.guarantee", guarantee));
  }

  private static List<String> strings(DataSource db, String sql) throws Exception {
    List<String> values = new ArrayList<>();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }
}
