package dev.relaybox.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.relaybox.consumers.host.ServiceHost;
import dev.relaybox.dev.DemoPipeline;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.runtime.RelayboxCli;
import java.io.BufferedWriter;
import java.net.InetSocketAddress;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard and the alert rules in {@code deploy/} cannot drift from the code: every metric
 * their queries name is served by a running relay ({@code relaybox relay} in a child JVM) or
 * consumers host after an order went through, and every alert links to a runbook section that
 * exists. The names are parsed from the files, not kept by hand.
 */
@ExtendWith(DevStackExtension.class)
class DashboardMetricsIT {

  static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "relaybox-dashboard.json");
  static final Path ALERTS = Path.of("..", "deploy", "prometheus", "alerts.yml");
  static final Path RUNBOOK = Path.of("..", "docs", "recovery.md");

  /** A metric name in a query: every meter the services serve has one of these prefixes. */
  private static final Pattern METRIC =
      Pattern.compile("\\b((?:relaybox|jvm|process|system|kafka|hikaricp)_[a-z0-9_]+)\\b");

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void everyMetricOfTheDashboardAndTheAlertsIsServed(DevStack stack) throws Exception {
    Set<String> named = new TreeSet<>(metrics(queries(dashboard())));
    named.addAll(metrics(alertExpressions()));
    assertThat(named).as("metrics named in deploy/").hasSizeGreaterThan(15);

    Path dir = Files.createDirectories(Path.of("target", "dashboard-metrics"));
    try (DemoPipeline pipeline = Pipelines.isolated(stack, p -> {})) {
      ServiceHost host = pipeline.startServices();
      // The pipeline's relay gives way to `relaybox relay` with its /metrics, on the same slot.
      pipeline.stopRelay();
      int relayPort = freePort();
      Process relay = startRelay(pipeline, relayPort, dir);
      try {
        URI relayUri = URI.create("http://127.0.0.1:" + relayPort);
        await()
            .atMost(Pipelines.DEADLINE)
            .ignoreExceptions()
            .until(() -> get(relayUri.resolve("/ready")).statusCode() == 200);
        await().atMost(Pipelines.DEADLINE).until(host::isReady);
        // A short gateway outage: the payment is retried, so the retry counters exist too.
        pipeline.paymentOutage(Duration.ofSeconds(1));
        pipeline.placeOrder("metrics-1", "SKU-1", 1_000);
        await().atMost(Pipelines.DEADLINE).until(() -> Pipelines.shippedAndEmailed(pipeline, 1));

        InetSocketAddress hostAddress = host.httpAddress().orElseThrow();
        URI hostUri = URI.create("http://127.0.0.1:" + hostAddress.getPort());
        Set<String> relayServes = served(get(relayUri.resolve("/metrics")).body());
        Set<String> hostServes = served(get(hostUri.resolve("/metrics")).body());
        Map<String, String> missing = new HashMap<>();
        for (String name : named) {
          boolean relayOnly = name.startsWith("relaybox_relay_");
          boolean hostOnly =
              name.startsWith("relaybox_consumer_")
                  || name.startsWith("hikaricp_")
                  || name.startsWith("kafka_consumer_");
          if (!hostOnly && !relayServes.contains(name)) {
            missing.put(name, "relay");
          }
          if (!relayOnly && !hostServes.contains(name)) {
            missing.merge(name, "consumers host", (a, b) -> a + " and " + b);
          }
        }
        assertThat(missing).as("metrics named in deploy/ and not served by").isEmpty();
      } finally {
        relay.destroy();
        relay.waitFor();
      }
    }
  }

  @Test
  void everyAlertHasARunbookSectionAndTheDocumentedAnnotations() throws Exception {
    Set<String> anchors = anchors(Files.readString(RUNBOOK));
    JsonNode rules = new YAMLMapper().readTree(ALERTS.toFile()).path("groups");
    List<String> names = new ArrayList<>();
    for (JsonNode group : rules) {
      for (JsonNode rule : group.path("rules")) {
        String name = rule.path("alert").asText();
        names.add(name);
        assertThat(rule.path("expr").asText()).as(name + " expr").isNotBlank();
        assertThat(rule.path("labels").path("severity").asText())
            .as(name + " severity")
            .isIn("page", "ticket");
        assertThat(rule.path("annotations").path("summary").asText()).as(name).isNotBlank();
        String runbook = rule.path("annotations").path("runbook_url").asText();
        assertThat(runbook).as(name + " runbook_url").contains("docs/recovery.md#");
        assertThat(anchors).as(name + " runbook anchor").contains(runbook.replaceAll(".*#", ""));
      }
    }
    assertThat(names)
        .as("alerts the issue asks for")
        .contains(
            "RelayboxSlotLagHigh",
            "RelayboxSlotRetainedWalNearLimit",
            "RelayboxRelayNotStreaming",
            "RelayboxConsumerLagHigh",
            "RelayboxParkedKeysOld",
            "RelayboxDeadSetGrowing",
            "RelayboxRelaySendFailures");
  }

  private static JsonNode dashboard() throws Exception {
    return new ObjectMapper().readTree(DASHBOARD.toFile());
  }

  /** Every {@code expr} and templating {@code query} string anywhere in the dashboard. */
  static List<String> queries(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e -> {
                if ((e.getKey().equals("expr") || e.getKey().equals("query"))
                    && e.getValue().isTextual()) {
                  out.add(e.getValue().asText());
                } else {
                  out.addAll(queries(e.getValue()));
                }
              });
    } else if (node.isArray()) {
      node.forEach(child -> out.addAll(queries(child)));
    }
    return out;
  }

  private static List<String> alertExpressions() throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode group : new YAMLMapper().readTree(ALERTS.toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        out.add(rule.path("expr").asText());
      }
    }
    return out;
  }

  static Set<String> metrics(List<String> queries) {
    Set<String> names = new TreeSet<>();
    for (String q : queries) {
      Matcher m = METRIC.matcher(q.replaceAll("\\{[^}]*}", "{}"));
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** Sample names of a Prometheus text exposition. */
  private static Set<String> served(String exposition) {
    return exposition
        .lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.split("[{ ]", 2)[0])
        .collect(Collectors.toSet());
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
  static Set<String> anchors(String markdown) {
    return markdown
        .lines()
        .filter(l -> l.startsWith("#"))
        .map(
            l ->
                l.replaceFirst("^#+\\s*", "")
                    .toLowerCase()
                    .replaceAll("[^a-z0-9 _-]", "")
                    .replace(' ', '-'))
        .collect(Collectors.toSet());
  }

  private HttpResponse<String> get(URI uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static Process startRelay(DemoPipeline pipeline, int port, Path dir) throws Exception {
    Map<String, String> settings = new HashMap<>(pipeline.relayProperties());
    // The secret travels as an environment variable, as in production.
    String password = settings.remove("pg.password");
    settings.put("http.host", "127.0.0.1");
    settings.put("http.port", Integer.toString(port));
    Path config = dir.resolve(pipeline.id() + "-relay.properties");
    try (BufferedWriter w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      Properties props = new Properties();
      props.putAll(settings);
      props.store(w, "DashboardMetricsIT");
    }
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
            "relay",
            "--config",
            config.toString());
    pb.environment().put("RELAYBOX_PG_PASSWORD", password);
    pb.redirectErrorStream(true).redirectOutput(dir.resolve(pipeline.id() + "-relay.log").toFile());
    return pb.start();
  }
}
