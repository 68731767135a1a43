package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import dev.relaybox.devstack.peers.FulfillmentServer;
import dev.relaybox.devstack.peers.PaymentGatewayServer;
import dev.relaybox.runtime.RelayboxCli;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * The service host in a child JVM, SIGKILLed 5 times while orders flow: every order is charged,
 * mailed and shipped exactly once, counted at the gateway, the mail server and the warehouse.
 */
@IsolatedDevStack
@ExtendWith(DevStackExtension.class)
class SagaKillNineIT {

  private static final int ROUNDS = 5;

  /**
   * 60 in {@code mvn verify}; the full run (5 × 1,000 = 5,000 orders) is a soak: {@code
   * ./mvnw -B verify -pl acceptance-tests -am -Dit.test=SagaKillNineIT -Dtest=none
   * -Drelaybox.soak.ordersPerRound=1000}.
   */
  private static final int ORDERS_PER_ROUND =
      Integer.getInteger("relaybox.soak.ordersPerRound", 60);

  @Test
  void killNineFiveTimesWhileOrdersFlowLosesAndDuplicatesNothing(DevStack stack) throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "kill-nine"));
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

      List<UUID> orders = new ArrayList<>();
      Process child = start(config, env, dir.resolve(pipeline.id() + "-0.log"));
      try {
        killTolerantAwait()
            .atMost(Pipelines.DEADLINE)
            .until(
                () ->
                    pipeline.count(
                            "SELECT count(*) FROM pg_tables WHERE schemaname = '"
                                + pipeline.schema()
                                + "' AND tablename IN ('emails', 'fulfillment_orders', 'payments')")
                        == 3);
        for (int round = 1; round <= ROUNDS; round++) {
          long before = pipeline.count("SELECT count(*) FROM " + pipeline.schema() + ".emails");
          for (int i = 0; i < ORDERS_PER_ROUND; i++) {
            orders.add(pipeline.placeOrder("c" + round + "-" + i, "SKU-" + pipeline.id(), 1_000));
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
            .until(() -> Pipelines.shippedAndEmailed(pipeline, n));
      } finally {
        child.destroyForcibly().waitFor();
      }

      Set<String> ids = orders.stream().map(UUID::toString).collect(Collectors.toSet());
      Map<String, Long> charges =
          countBy(
              stack.peers().paymentGateway().charges(), PaymentGatewayServer.Charge::orderId, ids);
      Map<String, Long> shipments =
          countBy(
              stack.peers().fulfillment().shipments(), FulfillmentServer.Shipment::orderId, ids);
      Map<String, Long> emails =
          countBy(
              stack.peers().mail().messages(),
              m -> m.subject().replaceAll(".*order (\\S+) .*", "$1"),
              ids);
      assertThat(charges).hasSize(ids.size()).allSatisfy((k, v) -> assertThat(v).isEqualTo(1));
      assertThat(shipments).hasSize(ids.size()).allSatisfy((k, v) -> assertThat(v).isEqualTo(1));
      assertThat(emails).hasSize(ids.size()).allSatisfy((k, v) -> assertThat(v).isEqualTo(1));
      System.out.printf(
          "KillNineIT: orders=%d kills=%d charges=%d shipments=%d emails=%d alreadySent=%d%n",
          ids.size(),
          ROUNDS,
          charges.values().stream().mapToLong(Long::longValue).sum(),
          shipments.values().stream().mapToLong(Long::longValue).sum(),
          emails.values().stream().mapToLong(Long::longValue).sum(),
          pipeline.count(
              "SELECT count(*) FROM "
                  + pipeline.schema()
                  + ".emails WHERE outcome = 'ALREADY_SENT'"));
    }
  }

  private static <T> Map<String, Long> countBy(
      List<T> items, Function<T, String> orderId, Set<String> ids) {
    return items.stream()
        .map(orderId)
        .filter(ids::contains)
        .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
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
