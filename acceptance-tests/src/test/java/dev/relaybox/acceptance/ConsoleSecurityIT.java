package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.console.Console;
import dev.relaybox.dev.DemoConsole;
import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A console with a token: pages need sign-in, an action without the token or without the CSRF field
 * is refused (and changes nothing), the same action with both is carried out.
 */
@ExtendWith(DevStackExtension.class)
class ConsoleSecurityIT {

  private static final String TOKEN = "it-token-0123456789abcdef";

  @TempDir Path tmp;

  @Test
  void anActionWithoutTheTokenOrTheCsrfFieldIsRefused(DevStack stack) throws Exception {
    try (DemoPipeline pipeline = Pipelines.isolated(stack, p -> {})) {
      // a few orders through the whole pipeline, then the services stop: a replay may run
      pipeline.startServices();
      for (int i = 0; i < 6; i++) {
        pipeline.placeOrder("sec-" + i, "SKU-" + pipeline.id(), 1_000);
      }
      await().atMost(Pipelines.DEADLINE).until(() -> Pipelines.shippedAndEmailed(pipeline, 6));
      pipeline.stopServices();
      Path audit = tmp.resolve("audit.log");
      try (Console console =
              DemoConsole.start(
                  stack,
                  pipeline,
                  0,
                  p -> {
                    p.put("auth.token", TOKEN);
                    p.put("audit.file", audit.toString());
                  });
          ConsoleBrowser browser = ConsoleBrowser.open(console.url())) {
        String group = pipeline.group("orders");
        String topic = pipeline.topic("order");
        String replay = "group=" + group + "&topic=" + topic + "&start=earliest";

        // no token, no session: refused before any page code runs
        HttpResponse<String> anonymous =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(console.url().resolve("/topics/replay/plan"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(replay))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        // the bearer token alone is not enough for an action: the CSRF field is missing
        HttpResponse<String> tokenOnly =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(console.url().resolve("/topics/replay/plan"))
                        .header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(replay))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(tokenOnly.statusCode()).isEqualTo(403);
        assertThat(tokenOnly.body()).contains("CSRF");

        // a browser is sent to the sign-in page, and a wrong token does not sign in
        browser.go("/topics");
        assertThat(browser.currentPath()).isEqualTo("/login");
        browser.find("input[name=token]").sendKeys("not-the-token-at-all");
        browser.clickAndWait("form button");
        assertThat(browser.text()).contains("did not match");
        browser.find("input[name=token]").sendKeys(TOKEN);
        browser.clickAndWait("form button");
        assertThat(browser.currentPath()).isEqualTo("/topics");
        browser.await(
            "the replay form offers the group",
            () ->
                browser
                    .go("/topics")
                    .has(
                        "form[action='/topics/replay/plan'] select[name=group] option[value='"
                            + group
                            + "']"));

        browser.screenshot("topics");

        // signed in, but the form posted without its CSRF field: refused
        Object status =
            browser.async(
                "var done = arguments[arguments.length - 1];"
                    + "fetch('/topics/replay/plan', {method: 'POST', headers: {'Content-Type':"
                    + " 'application/x-www-form-urlencoded'}, body: arguments[0]})"
                    + ".then(function (r) { done(r.status); });",
                replay);
        assertThat(((Number) status).intValue()).isEqualTo(403);
        // the page's own form with a stale CSRF value: refused
        browser.script(
            "document.querySelector(\"form[action='/topics/replay/plan'] input[name=csrf]\").value"
                + " = 'forged';");
        browser.clickAndWait("form[action='/topics/replay/plan'] button");
        assertThat(browser.text()).contains("Refused", "CSRF");
        browser.screenshot("refused");

        // the same form untouched: the dry run is shown (the group has no live member)
        browser.go("/topics");
        browser.clickAndWait("form[action='/topics/replay/plan'] button");
        // 6 events; the relay's transactions add a commit marker per transaction and partition,
        // which the plan counts as offsets to read
        assertThat(browser.text())
            .contains("Replay plan", "Dry run: nothing changed")
            .containsPattern("([6-9]|1[0-2]) record\\(s\\) will be read again");
        browser.screenshot("replay-plan");
      }
      assertThat(Files.readString(audit))
          .contains("\"action\":\"sign-in\"", "\"outcome\":\"refused\"");
    }
  }
}
