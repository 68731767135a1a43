package dev.relaybox.examples.orders.payments;

import static dev.relaybox.consumers.TestSupport.queryLong;
import static dev.relaybox.consumers.TestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.TestSupport;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.peers.PaymentGatewayServer;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The payments process is SIGKILLed five times while orders flow, possibly between a gateway call
 * and the commit that records it: every order must be charged exactly once at the gateway and
 * recorded exactly once, with exactly one follow-up event.
 */
@ExtendWith(DevStackExtension.class)
class PaymentsKillIT {

  private static final int ORDERS = 1_000;
  private static final int KILLS = 5;

  @Test
  void everyOrderIsChargedOnceDespiteFiveKills(DevStack stack) throws Exception {
    String group = unique("paykill");
    String topic = "it." + group + ".order";
    String outboxTable = group + "_outbox";
    stack.kafka().createTopic(topic, 4);
    PaymentGatewayServer gateway = stack.peers().paymentGateway();
    SchemaRegistryClient registry =
        SchemaRegistryClient.builder().urls(stack.schemaRegistry().url()).build();
    var serializer = Orders.serializer(registry);
    Path log = Files.createTempFile("relaybox-payments-child", ".log");
    try (HikariDataSource ds = TestSupport.pool(stack, 2);
        Outbox outbox = Outbox.builder().table(outboxTable).serializer(serializer).build()) {
      outbox.migrate(ds);
      PaymentsHandler.create(gateway.url(), outbox, group, Duration.ofSeconds(5)).migrate(ds);
      TestSupport.sendAll(stack, Orders.charges(topic, group, ORDERS, serializer));
      String countSql = "SELECT count(*) FROM " + group + ".payments";
      for (int kill = 1; kill <= KILLS; kill++) {
        long before = queryLong(ds, countSql);
        Process child = startChild(stack, gateway, topic, group, outboxTable, log);
        try {
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(20))
              .until(() -> queryLong(ds, countSql) >= before + 120 || !child.isAlive());
          assertThat(child.isAlive()).as("child alive before kill %d, see %s", kill, log).isTrue();
        } finally {
          child.destroyForcibly().waitFor();
        }
        long atKill = queryLong(ds, countSql);
        LoggerFactory.getLogger(PaymentsKillIT.class)
            .info("kill -9 number={} paymentsAtKill={} of={}", kill, atKill, ORDERS);
        assertThat(atKill).isLessThan(ORDERS);
      }
      Process last = startChild(stack, gateway, topic, group, outboxTable, log);
      try {
        await().atMost(Duration.ofSeconds(90)).until(() -> queryLong(ds, countSql) >= ORDERS);
      } finally {
        last.destroy();
        last.waitFor();
      }
      List<PaymentGatewayServer.Charge> ours =
          gateway.charges().stream().filter(c -> c.orderId().startsWith(group + "-")).toList();
      Map<String, Long> chargesPerOrder =
          ours.stream()
              .collect(
                  Collectors.groupingBy(
                      PaymentGatewayServer.Charge::orderId, Collectors.counting()));
      assertThat(chargesPerOrder).hasSize(ORDERS);
      assertThat(chargesPerOrder.values()).allMatch(c -> c == 1L);
      assertThat(queryLong(ds, countSql)).isEqualTo(ORDERS);
      assertThat(queryLong(ds, "SELECT count(DISTINCT order_id) FROM " + group + ".payments"))
          .isEqualTo(ORDERS);
      assertThat(queryLong(ds, "SELECT count(*) FROM public." + outboxTable)).isEqualTo(ORDERS);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static Process startChild(
      DevStack stack,
      PaymentGatewayServer gateway,
      String topic,
      String group,
      String outboxTable,
      Path log)
      throws Exception {
    return TestSupport.startChild(
        stack,
        PaymentsChildMain.class,
        log,
        stack.schemaRegistry().url(),
        gateway.url(),
        topic,
        group,
        group,
        outboxTable);
  }
}
