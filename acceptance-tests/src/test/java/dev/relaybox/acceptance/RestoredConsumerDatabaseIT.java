package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.dev.OrderKind;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import dev.relaybox.runtime.RelayboxCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * Recovery runbook, scenario 1: a consumer database restored from an older backup. Replaying the
 * groups from the backup's time applies the missing records once and repeats no effect at the third
 * parties.
 */
@IsolatedDevStack
@ExtendWith(DevStackExtension.class)
class RestoredConsumerDatabaseIT {
  /** The consumer services' tables: what a backup of their database holds. */
  private static final List<String> CONSUMER_TABLES =
      List.of(
          "processed_keys",
          "processed_keys_sagas",
          "payments",
          "refunds",
          "emails",
          "warehouse_requests");

  /** The topics each group reads. */
  private static final Map<String, List<String>> TOPICS_OF_GROUP =
      Map.of(
          "orders",
          List.of("outbox.event.order", "outbox.event.payment", "outbox.event.fulfillment"),
          "payments",
          List.of("outbox.event.payment-command"),
          "email",
          List.of("outbox.event.email-command"),
          "fulfillment",
          List.of("outbox.event.warehouse-command"));

  @Test
  void replayFromTheBackupTimeAppliesOnlyWhatTheRestoreLost(DevStack stack) throws Exception {
    try (DemoPipeline pipeline = DemoPipeline.builder(stack).start()) {
      placeAndSettle(pipeline, 0, 8); // includes one out-of-stock order (index 7)
      // Replay from a little before the backup: an event published earlier whose effect committed
      // after the snapshot is read again (and skipped where it was applied).
      Instant backupTime = Instant.now().minusSeconds(5);
      backup(stack);
      placeAndSettle(pipeline, 8, 16); // index 17 would be out of stock again; 8..15 are not
      Map<String, Long> before = counts(stack);
      String ledgerBefore = thirdParties(stack);

      pipeline.stopServices();
      for (String table : CONSUMER_TABLES) {
        sql(stack, "TRUNCATE " + table);
        sql(stack, "INSERT INTO " + table + " SELECT * FROM backup_" + table);
      }
      assertThat(counts(stack).get("payments")).isLessThan(before.get("payments"));

      for (var group : TOPICS_OF_GROUP.entrySet()) {
        for (String topic : group.getValue()) {
          StringWriter err = new StringWriter();
          CommandLine cli = RelayboxCli.commandLine(e -> false);
          cli.setOut(new PrintWriter(new StringWriter(), true));
          cli.setErr(new PrintWriter(err, true));
          int exit =
              cli.execute(
                  "replay",
                  "--bootstrap-servers",
                  stack.kafka().bootstrapServers(),
                  "--group",
                  group.getKey(),
                  "--topic",
                  topic,
                  "--from-timestamp",
                  backupTime.toString());
          assertThat(exit).as(err.toString()).isZero();
        }
      }
      pipeline.startServices();

      await().atMost(Duration.ofSeconds(120)).until(() -> counts(stack).equals(before));
      assertThat(pipeline.thirdParties().verify().passed()).isTrue();
      assertThat(thirdParties(stack)).isEqualTo(ledgerBefore);
    }
  }

  private static void placeAndSettle(DemoPipeline pipeline, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      pipeline.placeOrder(i, OrderKind.of(i, true, false));
    }
    await().atMost(Duration.ofSeconds(120)).until(pipeline.thirdParties()::settled);
  }

  private static Map<String, Long> counts(DevStack stack) throws Exception {
    Map<String, Long> counts = new java.util.TreeMap<>();
    try (Connection c = stack.postgres().dataSource().getConnection();
        Statement s = c.createStatement()) {
      for (String table : CONSUMER_TABLES) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
          rs.next();
          counts.put(table, rs.getLong(1));
        }
      }
    }
    return counts;
  }

  /** Every charge, refund, shipment and message, by id: the effects themselves. */
  private static String thirdParties(DevStack stack) {
    var peers = stack.peers();
    return peers.paymentGateway().charges().stream().map(c -> c.id()).sorted().toList()
        + " "
        + peers.paymentGateway().refunds().stream().map(r -> r.id()).sorted().toList()
        + " "
        + peers.fulfillment().shipments().stream().map(s -> s.id()).sorted().toList()
        + " "
        + peers.mail().messages().stream().map(m -> m.messageId()).sorted().toList();
  }

  /** Copies the consumer tables from one snapshot, as a database backup does. */
  private static void backup(DevStack stack) throws Exception {
    try (Connection c = stack.postgres().dataSource().getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (Statement s = c.createStatement()) {
        for (String table : CONSUMER_TABLES) {
          s.execute("CREATE TABLE backup_" + table + " AS SELECT * FROM " + table);
        }
      }
      c.commit();
    }
  }

  private static void sql(DevStack stack, String statement) throws Exception {
    try (Connection c = stack.postgres().dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
