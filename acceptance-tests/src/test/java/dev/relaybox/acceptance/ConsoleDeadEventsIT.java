package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.console.Console;
import dev.relaybox.dev.DemoConsole;
import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import dev.relaybox.devstack.peers.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dead event redriven from the console in a real browser after its cause is fixed: the payment
 * gateway is down until payments gives up on an order (dead, key parked), the gateway comes back,
 * the operator redrives the event; the order is charged, mailed and shipped exactly once, and a
 * second redrive of the same event is refused.
 *
 * <p>Runs once the consumer framework has its retry and dead sets (issue 11, {@code
 * dev.relaybox.consumers.DeadSet}); the console's {@code FrameworkDeadActions} then calls that API.
 */
@EnabledIf("deadSetsExist")
@IsolatedDevStack
@ExtendWith(DevStackExtension.class)
class ConsoleDeadEventsIT {

  @TempDir Path tmp;

  static boolean deadSetsExist() {
    try {
      Class.forName("dev.relaybox.consumers.DeadSet");
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  @Test
  void aDeadEventIsRedrivenAfterAFixAndItsEffectAppearsExactlyOnce(DevStack stack)
      throws Exception {
    try (DemoPipeline pipeline =
        Pipelines.isolated(
            stack,
            p -> {
              p.put("consumer.max.attempts", "2");
              p.put("consumer.initial.backoff.ms", "100");
              p.put("consumer.max.backoff.ms", "200");
            })) {
      pipeline.startServices();
      String payments = pipeline.group("payments");
      stack.peers().paymentGateway().setFault(Fault.crash());
      UUID order = pipeline.placeOrder("dead-customer", "SKU-" + pipeline.id(), 3_100);
      Path audit = tmp.resolve("audit.log");
      try (Console console =
              DemoConsole.start(stack, pipeline, 0, p -> p.put("audit.file", audit.toString()));
          ConsoleBrowser browser = ConsoleBrowser.open(console.url())) {
        await()
            .atMost(Pipelines.DEADLINE)
            .until(() -> browser.go("/groups/" + payments).has("tr[data-dead-id]"));
        browser.screenshot("dead-events");
        String id = browser.find("tr[data-dead-id]").getDomAttribute("data-dead-id");
        browser.go("/groups/" + payments + "/dead/" + id);
        assertThat(browser.text()).contains("retries-exhausted", "ChargePayment", order.toString());
        browser.screenshot("dead-event");
        assertThat(pipeline.thirdParties().charges(order)).isEmpty();

        // the fix: the gateway answers again
        stack.peers().paymentGateway().clearFault();
        browser.clickAndWait("a.btn.primary"); // Redrive… → the confirmation page
        assertThat(browser.text()).contains("Confirm: redrive #" + id);
        browser.clickAndWait("form button[type=submit]");
        assertThat(browser.text()).contains("Redriven", "redriven");

        await().atMost(Pipelines.DEADLINE).until(() -> Pipelines.shippedAndEmailed(pipeline, 1));
        assertThat(pipeline.thirdParties().charges(order)).hasSize(1).allMatch(c -> c.captured());
        assertThat(pipeline.thirdParties().emails(order)).hasSize(1);
        assertThat(pipeline.thirdParties().shipments(order)).isEqualTo(1);

        // redriving it again from a stale page is refused: no second charge
        browser.go("/groups/" + payments + "/dead/" + id + "/redrive");
        browser.clickAndWait("form button[type=submit]");
        assertThat(browser.text()).contains("Changed meanwhile");
        assertThat(pipeline.thirdParties().charges(order)).hasSize(1);
        assertThat(
                pipeline.count(
                    "SELECT count(*) FROM "
                        + pipeline.schema()
                        + ".payments WHERE order_id = '"
                        + order
                        + "'"))
            .isEqualTo(1);
      }
      assertThat(Files.readString(audit))
          .contains("\"action\":\"redrive\"", "\"outcome\":\"ok\"", "\"outcome\":\"refused");
    }
  }
}
