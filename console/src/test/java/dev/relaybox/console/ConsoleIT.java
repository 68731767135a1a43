package dev.relaybox.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The console over HTTP on the dev stack: headers, the Host check, CSRF, read-only, escaping. */
@ExtendWith(DevStackExtension.class)
class ConsoleIT {

  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  @TempDir Path tmp;

  private Console start(DevStack stack, Map<String, String> extra) throws Exception {
    ConsoleConfig.Builder config =
        ConsoleConfig.builder()
            .setAll(stack.relayProperties())
            .set("schema.registry.url", stack.schemaRegistry().url())
            .set("http.port", "0")
            .set("sample.interval.ms", "500")
            .set("audit.file", tmp.resolve("audit.log").toString());
    extra.forEach(config::set);
    return Console.start(config.build());
  }

  static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(HttpClient http, URI uri, String form) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String csrf(String page) {
    Matcher m = CSRF.matcher(page);
    assertThat(m.find()).as("a form with a CSRF field in%n%s", page).isTrue();
    return m.group(1);
  }

  @Test
  void pagesCarryStrictHeadersAndAnswerLoopbackNamesOnly(DevStack stack) throws Exception {
    try (Console console = start(stack, Map.of())) {
      HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
      HttpResponse<String> page = get(http, console.url());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
          .contains("script-src 'self'", "frame-ancestors 'none'")
          .doesNotContain("unsafe-inline");
      assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      assertThat(page.headers().firstValue("Set-Cookie").orElseThrow())
          .contains("HttpOnly", "SameSite=Strict");
      assertThat(page.body()).contains("Pipeline", "Relay slot lag");

      // a page of another site whose name resolves to 127.0.0.1 (DNS rebinding) reads nothing
      java.net.Socket socket = new java.net.Socket("127.0.0.1", console.url().getPort());
      try (socket) {
        socket
            .getOutputStream()
            .write(
                "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String answer =
            new String(
                socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(answer).startsWith("HTTP/1.1 403").doesNotContain("Pipeline");
      }
    }
  }

  @Test
  void actionsNeedTheSessionsCsrfFieldAndValidInput(DevStack stack) throws Exception {
    try (var outbox =
        dev.relaybox.outbox.Outbox.builder()
            .schemaRegistryUrl(stack.schemaRegistry().url())
            .build()) {
      outbox.migrate(stack.postgres().dataSource());
    }
    try (Console console = start(stack, Map.of())) {
      HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
      String topics = get(http, console.url().resolve("/topics")).body();
      URI plan = console.url().resolve("/outbox/republish/plan");
      String window = "from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z";

      assertThat(post(http, plan, window).statusCode()).isEqualTo(403);
      assertThat(post(http, plan, window + "&csrf=forged").statusCode()).isEqualTo(403);
      // another client's session and field do not combine
      HttpClient other = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
      String foreign = csrf(get(other, console.url().resolve("/topics")).body());
      assertThat(post(http, plan, window + "&csrf=" + foreign).statusCode()).isEqualTo(403);

      String token = csrf(topics);
      HttpResponse<String> badTime = post(http, plan, "from=yesterday&to=now&csrf=" + token);
      assertThat(badTime.statusCode()).isEqualTo(400);
      assertThat(badTime.body()).contains("ISO-8601");
      HttpResponse<String> dryRun = post(http, plan, window + "&csrf=" + token);
      assertThat(dryRun.statusCode()).isEqualTo(200);
      assertThat(dryRun.body()).contains("No retained event");
      HttpResponse<String> unknownGroup =
          post(
              http,
              console.url().resolve("/topics/replay/plan"),
              "group=%3Cb%3Enobody&topic=t&start=earliest&csrf=" + token);
      assertThat(unknownGroup.statusCode()).isEqualTo(400);
      assertThat(unknownGroup.body()).contains("&lt;b&gt;nobody").doesNotContain("<b>nobody");
    }
  }

  @Test
  void aReadOnlyConsoleShowsNoActionAndRefusesThem(DevStack stack) throws Exception {
    try (Console console = start(stack, Map.of("read.only", "true"))) {
      HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
      String page = get(http, console.url().resolve("/topics")).body();
      assertThat(page).contains("read-only").doesNotContain("action=\"/outbox/republish/plan\"");
      HttpResponse<String> refused =
          post(
              http,
              console.url().resolve("/outbox/republish/plan"),
              "from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z");
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).contains("read-only");
    }
  }

  @Test
  void aQueryIsEscapedAndNeverSplicedIntoSql(DevStack stack) throws Exception {
    try (Console console = start(stack, Map.of())) {
      HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> get(http, console.url()).body().contains("Sampled 20"));
      String evil = "<script>alert(1)</script>' OR '1'='1";
      HttpResponse<String> trace =
          get(
              http,
              console
                  .url()
                  .resolve(
                      "/trace?q="
                          + java.net.URLEncoder.encode(
                              evil, java.nio.charset.StandardCharsets.UTF_8)));
      assertThat(trace.statusCode()).isEqualTo(200);
      assertThat(trace.body())
          .doesNotContain("<script>alert")
          .contains("&lt;script&gt;alert(1)&lt;/script&gt;&#39; OR &#39;1&#39;=&#39;1")
          .contains("No event with this key");
    }
  }
}
