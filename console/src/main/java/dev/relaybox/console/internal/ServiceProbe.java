package dev.relaybox.console.internal;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks each service's HTTP address for {@code /ready} and {@code /metrics}, all at once with a
 * short timeout: a relay answers {@code READY}, a consumer host one line per group ({@code payments
 * UP}); from the metrics the console takes the retry and dead-letter counters.
 */
final class ServiceProbe {

  private static final Duration TIMEOUT = Duration.ofMillis(1_500);

  /** One service: ready (null: no answer), its answer, each group's readiness, its counters. */
  record Answer(
      Boolean ready, String detail, Map<String, Boolean> groups, Map<String, Double> metrics) {}

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)");
  private static final Pattern GROUP_LABEL = Pattern.compile("group=\"([^\"]*)\"");

  private final Sources sources;

  ServiceProbe(Sources sources) {
    this.sources = sources;
  }

  /** Asks every URL of {@code urls} (deduplicated) and waits at most the timeout. */
  Map<String, Answer> ask(Iterable<String> urls) {
    Map<String, CompletableFuture<Answer>> pending = new LinkedHashMap<>();
    for (String url : urls) {
      pending.computeIfAbsent(url, this::askOne);
    }
    Map<String, Answer> answers = new HashMap<>();
    pending.forEach(
        (url, f) -> {
          try {
            answers.put(
                url, f.get(TIMEOUT.toMillis() * 2, java.util.concurrent.TimeUnit.MILLISECONDS));
          } catch (Exception e) {
            answers.put(
                url,
                new Answer(null, "no answer: " + e.getClass().getSimpleName(), Map.of(), Map.of()));
          }
        });
    return answers;
  }

  private CompletableFuture<Answer> askOne(String base) {
    String root = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    CompletableFuture<HttpResponse<String>> ready = get(root + "/ready");
    CompletableFuture<HttpResponse<String>> metrics = get(root + "/metrics");
    return ready.handle(
        (r, e) -> {
          if (e != null) {
            return new Answer(null, "unreachable: " + rootCause(e), Map.of(), Map.of());
          }
          Map<String, Boolean> groups = new LinkedHashMap<>();
          for (String line : r.body().split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && (parts[1].equals("UP") || parts[1].equals("DOWN"))) {
              groups.put(parts[0], parts[1].equals("UP"));
            }
          }
          Map<String, Double> counters = new HashMap<>();
          try {
            HttpResponse<String> m =
                metrics.get(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (m.statusCode() == 200) {
              counters = metrics(m.body());
            }
          } catch (Exception ignored) {
            // metrics are extra: readiness stands without them
          }
          String detail = r.body().strip();
          return new Answer(
              r.statusCode() == 200,
              "HTTP " + r.statusCode() + (detail.isEmpty() ? "" : ": " + abbreviate(detail)),
              groups,
              counters);
        });
  }

  private CompletableFuture<HttpResponse<String>> get(String url) {
    return sources
        .http()
        .sendAsync(
            HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The counters the console shows, summed per group: {@code <name>|<group>} (group empty for the
   * relay's).
   */
  static Map<String, Double> metrics(String text) {
    Map<String, Double> sums = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.find()) {
        continue;
      }
      String name = m.group(1);
      if (!name.startsWith("relaybox_")) {
        continue;
      }
      String group = "";
      if (m.group(2) != null) {
        Matcher g = GROUP_LABEL.matcher(m.group(2));
        group = g.find() ? g.group(1) : "";
      }
      try {
        sums.merge(name + "|" + group, Double.parseDouble(m.group(3)), Double::sum);
      } catch (NumberFormatException e) {
        // NaN and friends are parsed; anything else is not a sample
      }
    }
    return sums;
  }

  private static String abbreviate(String s) {
    String one = s.replace('\n', ' ');
    return one.length() > 120 ? one.substring(0, 117) + "..." : one;
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName();
  }
}
