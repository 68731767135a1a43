package dev.relaybox.console;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.saga.OnTimeout;
import dev.relaybox.consumers.saga.SagaAdmin;
import dev.relaybox.consumers.saga.SagaDataCodec;
import dev.relaybox.consumers.saga.SagaDefinition;
import dev.relaybox.consumers.saga.SagaStatus;
import dev.relaybox.consumers.saga.Sagas;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.outbox.Outbox;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Sagas page on the dev stack's Postgres: a parked and a stuck saga are listed with their
 * error, and a confirmed retry moves the parked one once, audited.
 */
@ExtendWith(DevStackExtension.class)
class ConsoleSagasIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  @Test
  void parkedAndStuckSagasAreListedAndARetryIsConfirmedAndAudited(DevStack stack) throws Exception {
    String keys = "console_sagas_" + UUID.randomUUID().toString().substring(0, 8);
    SagaDefinition<String> parks =
        SagaDefinition.builder("parks", SagaDataCodec.json(String.class))
            .step("reserve")
            .action(s -> {}) // waits for a reply that never comes
            .deadline(Duration.ofMillis(1), OnTimeout.PARK)
            .build();
    SagaDefinition<String> waits =
        SagaDefinition.builder("waits", SagaDataCodec.json(String.class))
            .step("charge")
            .action(s -> {}) // no deadline: it only counts as stuck
            .build();
    try (HikariDataSource ds = pool(stack);
        Sagas sagas =
            Sagas.builder()
                .dataSource(ds)
                .outbox(
                    Outbox.builder()
                        .table(keys + "_outbox")
                        .serializer((topic, data) -> new byte[0]) // no action publishes
                        .build())
                .processedKeysTable("public", keys)
                .saga(parks)
                .saga(waits)
                .build()
                .start()) {
      try (Connection tx = ds.getConnection()) {
        tx.setAutoCommit(false);
        sagas.begin(tx, parks, "p-1", "order 1");
        sagas.begin(tx, waits, "w-<1>", "order 2");
        tx.commit();
      }
      SagaAdmin admin = SagaAdmin.of(ds, "public", keys);
      await()
          .atMost(WAIT)
          .until(
              () -> {
                sagas.pollOnce();
                return admin.find("parks", "p-1").orElseThrow().status() == SagaStatus.PARKED;
              });

      ConsoleConfig config =
          ConsoleConfig.builder()
              .setAll(stack.relayProperties())
              .set("schema.registry.url", stack.schemaRegistry().url())
              .set("http.port", "0")
              .set("audit.file", tmp.resolve("audit.log").toString())
              .set("groups", "orders-saga")
              .set("group.orders-saga.processed.keys.table", keys)
              .build();
      try (Console console = Console.start(config)) {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        URI sagasPage = console.url().resolve("/sagas?stuck=1s");
        await()
            .atMost(WAIT)
            .untilAsserted(
                () ->
                    assertThat(ConsoleIT.get(http, sagasPage).body())
                        .contains("parks", "p-1", "parked while running", "no reply within")
                        .contains("waits", "w-&lt;1&gt;", "stuck running")
                        .doesNotContain("w-<1>"));
        assertThat(ConsoleIT.get(http, console.url().resolve("/sagas?stuck=1;DROP")).statusCode())
            .isEqualTo(400);

        URI retry = console.url().resolve("/sagas/orders-saga/parks/p-1/retry");
        HttpResponse<String> confirm = ConsoleIT.get(http, retry);
        assertThat(confirm.body()).contains("Nothing happens until you confirm");
        assertThat(admin.find("parks", "p-1").orElseThrow().status()).isEqualTo(SagaStatus.PARKED);
        assertThat(ConsoleIT.post(http, retry, "").statusCode()).as("no CSRF field").isEqualTo(403);
        HttpResponse<String> done =
            ConsoleIT.post(
                http, retry, "csrf=" + URLEncoder.encode(ConsoleIT.csrf(confirm.body()), UTF_8));
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(admin.find("parks", "p-1").orElseThrow())
            .satisfies(s -> assertThat(s.status()).isEqualTo(SagaStatus.RUNNING))
            .satisfies(s -> assertThat(s.operatorNote()).startsWith("retry by"));
        assertThat(Files.readString(tmp.resolve("audit.log")))
            .contains("saga retry", "orders-saga parks/p-1");
      }
    }
  }

  private static HikariDataSource pool(DevStack stack) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(stack.postgres().jdbcUrl());
    config.setUsername(stack.postgres().username());
    config.setPassword(stack.postgres().password());
    config.setMaximumPoolSize(3);
    return new HikariDataSource(config);
  }
}
