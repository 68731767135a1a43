package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import dev.relaybox.devstack.peers.Fault;
import dev.relaybox.devstack.peers.FulfillmentServer;
import dev.relaybox.runtime.RelayboxCli;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The service host in a child JVM, SIGKILLed 5 times while orders flow through the order-fulfilment
 * saga, 30 % of them out of stock, with a warehouse outage in the middle: at the third parties
 * every order ends in exactly one consistent final state (charged, stock reserved, shipped and
 * confirmed once; or charged, refunded once, nothing held or shipped, the cancellation sent once),
 * 0 lost, 0 doubled.
 */
@IsolatedDevStack
@ExtendWith(DevStackExtension.class)
class SagaKillNineIT {

  private static final int ROUNDS = 5;

  /** The round whose orders meet the warehouse outage. */
  private static final int OUTAGE_ROUND = 3;

  private static final Duration OUTAGE = Duration.ofSeconds(10);

  /**
   * 60 in {@code mvn verify}; the full run (5 × 1,000 = 5,000 orders) is a soak: {@code
   * ./mvnw -B verify -pl acceptance-tests -am -Dit.test=SagaKillNineIT -Dtest=none
   * -Drelaybox.soak.ordersPerRound=1000}.
   */
  private static final int ORDERS_PER_ROUND =
      Integer.getInteger("relaybox.soak.ordersPerRound", 60);

  @Test
  void killNineFiveTimesWithOutOfStockAndAWarehouseOutageEndsEveryOrderOnce(DevStack stack)
      throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "kill-nine"));
    FulfillmentServer warehouse = stack.peers().fulfillment();
    try (DemoPipeline pipeline =
        Pipelines.isolated(stack, b -> b.put("consumer.max.attempts", "100"))) {
      Map<String, String> settings = pipeline.hostProperties();
      // Secrets travel as environment variables, as in production.
      String pgPassword = settings.remove("pg.password");
      String mailPassword = settings.remove("email.password");
      Path config = dir.resolve(pipeline.id() + ".properties");
      try (BufferedWriter w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
        java.util.Properties props = new java.util.Properties();
        props.putAll(settings);
        props.store(w, "KillNineIT");
      }
      Map<String, String> env =
          Map.of(
              "RELAYBOX_PG_PASSWORD", pgPassword,
              "RELAYBOX_EMAIL_PASSWORD", mailPassword);
      String missing = "GONE-" + pipeline.id();
      warehouse.markOutOfStock(missing);

      List<UUID> orders = new ArrayList<>();
      Set<String> outOfStock = new HashSet<>();
      Process child = start(config, env, dir.resolve(pipeline.id() + "-0.log"));
      try {
        killTolerantAwait()
            .atMost(Pipelines.DEADLINE)
            .until(
                () ->
                    pipeline.count(
                            "SELECT count(*) FROM pg_tables WHERE schemaname = '"
                                + pipeline.schema()
                                + "' AND tablename IN ('emails', 'warehouse_requests',"
                                + " 'payments', 'processed_keys_sagas')")
                        == 4);
        for (int round = 1; round <= ROUNDS; round++) {
          long before = pipeline.count("SELECT count(*) FROM " + pipeline.schema() + ".emails");
          if (round == OUTAGE_ROUND) {
            warehouse.setFault(Fault.crash().lastingFor(OUTAGE));
          }
          for (int i = 0; i < ORDERS_PER_ROUND; i++) {
            boolean gone = i % 10 < 3;
            String sku = gone ? missing : "SKU-" + pipeline.id();
            UUID order = pipeline.placeOrder("c" + round + "-" + i, sku, 1_000);
            orders.add(order);
            if (gone) {
              outOfStock.add(order.toString());
            }
          }
          // Kill in the middle of the flow: after some, not all, of this round's effects.
          killTolerantAwait()
              .atMost(Pipelines.DEADLINE)
              .until(
                  () ->
                      pipeline.count("SELECT count(*) FROM " + pipeline.schema() + ".emails")
                          >= before + 5);
          child.destroyForcibly().waitFor();
          child = start(config, env, dir.resolve(pipeline.id() + "-" + round + ".log"));
        }
        int n = orders.size();
        killTolerantAwait()
            .atMost(Duration.ofMinutes(3).plusSeconds(ROUNDS * ORDERS_PER_ROUND / 5))
            .until(() -> Pipelines.settled(pipeline, n));
      } finally {
        child.destroyForcibly().waitFor();
        warehouse.clearFault();
      }

      Map<String, String> states = FinalStates.of(stack.peers(), orders, outOfStock);
      Map<String, Long> byState =
          states.values().stream()
              .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      System.out.printf(
          "KillNineIT: orders=%d kills=%d outOfStock=%d states=%s alreadySent=%d%n",
          orders.size(),
          ROUNDS,
          outOfStock.size(),
          byState,
          pipeline.count(
              "SELECT count(*) FROM "
                  + pipeline.schema()
                  + ".emails WHERE outcome = 'ALREADY_SENT'"));
      assertThat(states)
          .as("final state of each order at the third parties")
          .hasSize(orders.size())
          .allSatisfy(
              (order, state) ->
                  assertThat(state).as(order).isIn(FinalStates.SHIPPED, FinalStates.CANCELLED));
      assertThat(outOfStock)
          .as("out-of-stock orders")
          .allSatisfy(order -> assertThat(states.get(order)).isEqualTo(FinalStates.CANCELLED));
      assertThat(Pipelines.sagas(pipeline, "'PARKED', 'RUNNING', 'COMPENSATING'")).isZero();
    }
  }

  /**
   * An await that ignores other threads' uncaught exceptions: every SIGKILL resets the child's open
   * SMTP connections, and GreenMail's handler threads die with "Connection reset", which Awaitility
   * would otherwise report as this test's failure. Lost or doubled effects are still counted at the
   * third parties below.
   */
  private static ConditionFactory killTolerantAwait() {
    return await().dontCatchUncaughtExceptions();
  }

  private static Process start(Path config, Map<String, String> env, Path log) throws Exception {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            classpath,
            RelayboxCli.class.getName(),
            "consumers",
            "--config",
            config.toString());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return pb.start();
  }
}
