package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.console.Console;
import dev.relaybox.dev.DemoConsole;
import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The overview in a real browser follows the pipeline live: the relay's slot lag rises while the
 * relay is stopped and orders keep coming, and falls back after it restarts. Saves the overview's
 * screenshots for the README.
 */
@ExtendWith(DevStackExtension.class)
class ConsoleOverviewIT {
  @TempDir Path tmp;

  @Test
  void slotLagRisesWhileTheRelayIsStoppedAndFallsAfterItRestarts(DevStack stack) throws Exception {
    try (DemoPipeline pipeline = Pipelines.isolated(stack, p -> {})) {
      pipeline.startServices();
      for (int i = 0; i < 20; i++) {
        pipeline.placeOrder(i, dev.relaybox.dev.OrderKind.of(i, true, true));
      }
      await().atMost(Pipelines.DEADLINE).until(pipeline.thirdParties()::settled);
      try (Console console =
              DemoConsole.start(
                  stack,
                  pipeline,
                  0,
                  p -> p.put("audit.file", tmp.resolve("audit.log").toString()));
          ConsoleBrowser browser = ConsoleBrowser.open(console.url())) {
        browser.go("/");
        assertThat(browser.title()).isEqualTo("Overview · Relaybox");
        await()
            .atMost(Pipelines.DEADLINE)
            .until(() -> browser.metric("slot-lag-bytes") >= 0 && browser.has("[data-group]"));
        assertThat(browser.text()).contains("streaming", pipeline.group("payments"));

        pipeline.stopRelay();
        // the relay confirms what it relayed when it stops: the lag starts from about zero
        AtomicLong stopped = new AtomicLong();
        for (int round = 0; round < 2; round++) {
          for (int i = 0; i < 15; i++) {
            pipeline.placeOrder(100 + round * 15 + i, dev.relaybox.dev.OrderKind.FULFILLED);
          }
          long before = stopped.get();
          // the page refreshes itself: no reload, the live fragment brings the new figure
          await()
              .atMost(Pipelines.DEADLINE)
              .until(() -> browser.metric("slot-lag-bytes") > before + 1024);
          stopped.set(browser.metric("slot-lag-bytes"));
        }
        assertThat(browser.text()).contains("stopped");
        // the oldest waiting change ages while the relay is down
        await().atMost(Pipelines.DEADLINE).until(() -> browser.metric("slot-lag-ms") >= 1_000);
        assertThat(browser.text()).containsPattern("behind: (more than )?[1-9]");
        browser.screenshot("overview-relay-stopped");

        pipeline.startRelay();
        long peak = stopped.get();
        await().atMost(Pipelines.DEADLINE).until(() -> browser.metric("slot-lag-bytes") < peak / 4);
        await().atMost(Pipelines.DEADLINE).until(pipeline.thirdParties()::settled);
        await()
            .atMost(Pipelines.DEADLINE)
            .until(
                () ->
                    // caught up: the runners commit past the relay's trailing commit markers
                    browser.metric("group-lag") == 0 && browser.text().contains("streaming"));
        browser.screenshot("overview");
      }
    }
    assertThat(Files.exists(tmp)).isTrue();
  }
}
