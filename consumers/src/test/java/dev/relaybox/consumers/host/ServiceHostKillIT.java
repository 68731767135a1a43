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
import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service host process is SIGKILLed twice while events flow and restarted at once: as a static
 * group member (its {@code instance.id} derives from the host name and its fixed HTTP port) it gets
 * its partitions back and effects flow again well within the 45 s session timeout a dynamic member
 * would wait for; every event has exactly one effect, counted in the database.
 *
 * <p>To compare membership variants, {@code -Drelaybox.rejoin.properties=k=v;k=v} adds host
 * properties and only prints the figures (exactly-once is still checked), e.g. dynamic membership
 * ({@code http.port=-1}) or the KIP-848 protocol ({@code kafka.consumer.group.protocol=consumer}):
 *
 * <pre>
 * ./mvnw -B -pl consumers -am verify -Dit.test=ServiceHostKillIT -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false '-Drelaybox.rejoin.properties=http.port=-1'
 * </pre>
 */
@ExtendWith(DevStackExtension.class)
class ServiceHostKillIT {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceHostKillIT.class);
  private static final int EVENTS = 1_500;
  private static final int KILLS = 2;

  /** Kill to effects flowing again; a dynamic member waits for the 45 s session timeout. */
  private static final Duration REJOIN_BOUND = Duration.ofSeconds(25);

  private static final String VARIANT = System.getProperty("relaybox.rejoin.properties", "");

  @Test
  void aKilledHostRestartedGetsItsPartitionsBackAtOnce(DevStack stack, @TempDir Path dir)
      throws Exception {
    String schema = unique("greeter");
    String prefix = unique("kill");
    String topic = prefix + ".customer";
    String table = schema + ".greetings";
    stack.kafka().createTopic(topic, 4);
    stack.kafka().createTopic("greeter_" + prefix + ".dlq", 1);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path config = config(stack, dir, schema, prefix, port);
    boolean http = !VARIANT.contains("http.port=-1");
    Path log = Path.of("target", "host-kill-" + prefix + ".log");
    Files.createDirectories(log.getParent());
    try (HikariDataSource ds = TestSupport.pool(stack, 2)) {
      execute(ds, "CREATE SCHEMA " + schema);
      execute(ds, "CREATE TABLE " + table + " (event_id uuid, text text)");
      AtomicInteger sent = new AtomicInteger();
      ScheduledExecutorService writer =
          Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "customer-writer"));
      Process host = start(stack, config, log);
      List<Long> rejoinMs = new ArrayList<>();
      try {
        if (http) {
          awaitReady(host, port, log);
        }
        // About 50 events a second: the load is paced by the schedule, nothing waits on it.
        writer.scheduleAtFixedRate(
            () -> writeBatch(stack, topic, sent), 0, 500, TimeUnit.MILLISECONDS);
        for (int kill = 1; kill <= KILLS; kill++) {
          long threshold = (long) kill * EVENTS / (KILLS + 1);
          await().atMost(Duration.ofSeconds(120)).until(() -> count(ds, table) >= threshold);
          host.destroyForcibly().waitFor();
          long killed = System.nanoTime();
          long atKill = count(ds, table);
          host = start(stack, config, log);
          await().atMost(Duration.ofSeconds(60)).until(() -> count(ds, table) > atKill);
          long ms = Duration.ofNanos(System.nanoTime() - killed).toMillis();
          rejoinMs.add(ms);
          LOG.info("host killed and restarted kill={} effectsFlowingAgainAfterMs={}", kill, ms);
          assertThat(host.isAlive()).as("host exited, see " + log).isTrue();
        }
        System.out.printf(
            "ServiceHostKillIT variant='%s' kill->effects flowing again ms=%s%n",
            VARIANT, rejoinMs);
        await().atMost(Duration.ofSeconds(120)).until(() -> sent.get() >= EVENTS);
        await().atMost(Duration.ofSeconds(120)).until(() -> count(ds, table) >= EVENTS);
        assertThat(sent.get()).isEqualTo(EVENTS);
        // Every event exactly once: no loss, no double, through two SIGKILLs.
        assertThat(queryLong(ds, "SELECT count(DISTINCT event_id) FROM " + table))
            .isEqualTo(EVENTS);
        assertThat(count(ds, table)).isEqualTo(EVENTS);
        if (VARIANT.isEmpty()) {
          assertThat(rejoinMs)
              .as("kill to effects flowing again, ms")
              .allMatch(ms -> ms < REJOIN_BOUND.toMillis());
        }
        assertThat(Files.readString(log)).doesNotContain(stack.postgres().password());
      } finally {
        writer.shutdownNow();
        host.destroy();
        host.waitFor();
      }
    }
  }

  private static long count(HikariDataSource ds, String table) throws Exception {
    return queryLong(ds, "SELECT count(*) FROM " + table);
  }

  /** One tick of the writer: the next 25 events until {@link #EVENTS} are sent. */
  private static void writeBatch(DevStack stack, String topic, AtomicInteger sent) {
    if (sent.get() >= EVENTS) {
      return;
    }
    try {
      ServiceHostIT.sendCustomers(stack, topic, sent.get(), 25);
      sent.addAndGet(25);
    } catch (Exception e) {
      LOG.error("writer failed after {} events", sent.get(), e);
      throw new IllegalStateException(e); // ends the schedule; the test then fails on `sent`
    }
  }

  private static Path config(DevStack stack, Path dir, String schema, String prefix, int port)
      throws IOException {
    Properties p = new Properties();
    Map<String, String> stackProps = stack.relayProperties();
    stackProps.remove("pg.password"); // given in the environment, never in a file
    p.putAll(stackProps);
    p.setProperty("schema.registry.url", stack.schemaRegistry().url());
    p.setProperty("db.schema", schema);
    p.setProperty("topic.pattern", prefix + ".${aggregatetype}");
    p.setProperty("greeter.group", "greeter_" + prefix);
    p.setProperty("greeter.table", schema + ".greetings");
    p.setProperty("http.host", "127.0.0.1");
    p.setProperty("http.port", Integer.toString(port));
    for (String pair : VARIANT.split(";")) {
      if (!pair.isBlank()) {
        p.setProperty(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
      }
    }
    Path file = dir.resolve("consumers.properties");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, null);
    }
    return file;
  }

  private static Process start(DevStack stack, Path config, Path log) throws IOException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx384m",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            ChildHostMain.class.getName(),
            config.toString());
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("RELAYBOX_PG_PASSWORD", stack.postgres().password());
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return pb.start();
  }

  private static void awaitReady(Process host, int port, Path log) {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
            .timeout(Duration.ofSeconds(5))
            .build();
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(
            () ->
                !host.isAlive()
                    || http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode()
                        == 200);
    assertThat(host.isAlive()).as("host exited, see " + log).isTrue();
  }
}
