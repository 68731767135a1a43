package dev.relaybox.consumers.host;

import static dev.relaybox.consumers.TestSupport.execute;
import static dev.relaybox.consumers.TestSupport.queryLong;
import static dev.relaybox.consumers.TestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.TestSupport;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.IsolatedDevStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The service host launched while Postgres is down: it serves {@code /health} (200) and {@code
 * /ready} (503 with what it waits for), starts its services once Postgres is up without a restart,
 * and a close (SIGTERM) during the wait ends it cleanly.
 */
@ExtendWith(DevStackExtension.class)
@IsolatedDevStack(peers = false)
class ServiceHostWaitsForPostgresIT {

  @Test
  void startsOncePostgresIsUpWithoutARestart(DevStack stack) throws Exception {
    String schema = unique("greeter");
    String prefix = unique("greet");
    String topic = prefix + ".customer";
    stack.kafka().createTopic(topic, 2);
    stack.kafka().createTopic("greeter_" + prefix + ".dlq", 1);
    try (HikariDataSource ds = TestSupport.pool(stack, 2)) {
      execute(ds, "CREATE SCHEMA " + schema);
      execute(ds, "CREATE TABLE " + schema + ".greetings (event_id uuid, text text)");
    }
    ServiceHostIT.sendCustomers(stack, topic, 20);
    stack.postgres().stop();
    try (ServiceHost host = ServiceHost.launch(config(stack, schema, prefix))) {
      String address = stack.postgres().host() + ":" + stack.postgres().port();
      // A few backoff rounds later it is still waiting, and says for what.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> get(host, "/ready").statusCode() == 503 && attempt(host) >= 3);
      assertThat(get(host, "/health").statusCode()).isEqualTo(200);
      assertThat(get(host, "/ready").body())
          .contains("waiting for Postgres at " + address)
          .doesNotContain(stack.postgres().password());
      assertThat(host.failure()).isEmpty();

      stack.postgres().start();
      await().atMost(Duration.ofSeconds(60)).until(host::isReady);
      assertThat(get(host, "/ready").statusCode()).isEqualTo(200);
      try (HikariDataSource ds = TestSupport.pool(stack, 2)) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> queryLong(ds, "SELECT count(*) FROM " + schema + ".greetings") == 20);
        assertThat(queryLong(ds, "SELECT count(DISTINCT event_id) FROM " + schema + ".greetings"))
            .isEqualTo(20);
      }
    }
  }

  @Test
  void closeEndsTheWaitCleanly(DevStack stack) throws Exception {
    String prefix = unique("greet");
    stack.postgres().stop();
    try {
      ServiceHost host = ServiceHost.launch(config(stack, unique("greeter"), prefix));
      await().atMost(Duration.ofSeconds(30)).until(() -> get(host, "/ready").statusCode() == 503);
      long start = System.nanoTime();
      host.close();
      assertThat(host.awaitClosed(Duration.ofSeconds(10))).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThat(host.failure()).isEmpty();
      assertThat(host.runners()).isEmpty();
    } finally {
      stack.postgres().start();
    }
  }

  /** The attempt /ready reports the host is at, or 0. */
  private static int attempt(ServiceHost host) throws Exception {
    String body = get(host, "/ready").body();
    int at = body.indexOf("(attempt ");
    return at < 0 ? 0 : Integer.parseInt(body.substring(at + 9, body.indexOf(',', at)));
  }

  private static HostConfig config(DevStack stack, String schema, String prefix) {
    return HostConfig.builder()
        .setAll(stack.relayProperties())
        .set("schema.registry.url", stack.schemaRegistry().url())
        .set("db.schema", schema)
        .set("topic.pattern", prefix + ".${aggregatetype}")
        .set("greeter.group", "greeter_" + prefix)
        .set("greeter.table", schema + ".greetings")
        .set("http.host", "127.0.0.1")
        .set("http.port", "0")
        .build();
  }

  private static HttpResponse<String> get(ServiceHost host, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + host.httpAddress().orElseThrow().getPort() + path);
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }
}
