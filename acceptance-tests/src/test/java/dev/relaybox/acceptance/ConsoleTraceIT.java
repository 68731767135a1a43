package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.console.Console;
import dev.relaybox.dev.DemoConsole;
import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.outbox.CleanupMode;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An order traced in a real browser from its outbox row to its email: the events of the order id
 * with their publish positions, each group's outcome, the follow-ups under the event whose
 * processing wrote them, and the effect rows.
 */
@ExtendWith(DevStackExtension.class)
class ConsoleTraceIT {

  @TempDir Path tmp;

  @Test
  void anOrderIsTracedFromItsOutboxRowToItsEmail(DevStack stack) throws Exception {
    try (DemoPipeline pipeline =
        DemoPipeline.builder(stack)
            .isolated()
            .cleanup(CleanupMode.RETAIN)
            .startServices(false)
            .http(true)
            .start()) {
      pipeline.startServices();
      UUID order = pipeline.placeOrder("trace-customer", "SKU-" + pipeline.id(), 4_200);
      await().atMost(Pipelines.DEADLINE).until(() -> Pipelines.shippedAndEmailed(pipeline, 1));
      try (Console console =
              DemoConsole.start(
                  stack, pipeline, 0, p -> p.put("audit.file", tmp.resolve("audit").toString()));
          ConsoleBrowser browser = ConsoleBrowser.open(console.url())) {
        // the console knows the groups after its first samples
        await().atMost(Pipelines.DEADLINE).until(() -> browser.go("/").has("[data-group]"));
        browser.go("/trace");
        browser.find("input[name=q]").sendKeys(order.toString());
        browser.clickAndWait("form.search button");
        browser.await("the trace is shown", () -> browser.has("[data-trace-key]"));

        assertThat(browser.find("[data-trace-key]").getDomAttribute("data-trace-key"))
            .isEqualTo(order.toString());
        String placed = "li[data-type=OrderPlaced]";
        assertThat(browser.has(placed)).isTrue();
        assertThat(browser.find(placed + " .steps").getText())
            .contains("outbox commit", "row kept in", "relay publish", pipeline.topic("order"));
        // The saga's chain, each hung under the processing that wrote it: orders began the saga
        // on OrderPlaced (ChargePayment), payments answered (PaymentCaptured), ... until the
        // confirmation email's command, which email processed into its effect.
        assertThat(
                browser.has(
                    placed
                        + " li[data-group='"
                        + pipeline.group("orders")
                        + "'][data-state=processed]"))
            .isTrue();
        String charge = placed + " li[data-type=ChargePayment]";
        String captured = charge + " li[data-type=PaymentCaptured]";
        assertThat(browser.has(captured)).isTrue();
        String shipped = captured + " li[data-type=ShipmentDispatched]";
        assertThat(browser.has(captured + " li[data-type=ReserveStock]")).isTrue();
        assertThat(browser.has(shipped)).isTrue();
        String emailCommand = shipped + " li[data-type=EmailRequested]";
        String email = emailCommand + " li[data-group='" + pipeline.group("email") + "']";
        assertThat(browser.find(email).getDomAttribute("data-state")).isEqualTo("processed");
        assertThat(browser.find(email + " [data-effect-table=emails]").getText())
            .contains(order.toString(), "SENT");
        assertThat(browser.text())
            .contains("processed_keys_sagas", "COMPLETED", "warehouse_requests", "ShipOrder");
        browser.screenshot("trace");

        // the same timeline from the OrderPlaced event id
        String eventId = browser.find(placed).getDomAttribute("data-event-id");
        browser.go("/trace?q=" + eventId);
        assertThat(browser.find("[data-trace-key]").getDomAttribute("data-trace-key"))
            .isEqualTo(order.toString());
        assertThat(browser.has(placed + " li[data-type=PaymentCaptured]")).isTrue();
      }
    }
  }
}
