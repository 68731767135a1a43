package dev.relaybox.console.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.console.internal.Sampler.Point;
import dev.relaybox.console.internal.Snapshot.GroupStats;
import dev.relaybox.console.internal.Snapshot.ServiceStats;
import dev.relaybox.console.internal.Snapshot.Slot;
import dev.relaybox.console.internal.Snapshot.TopicStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The overview: the pipeline drawn as it flows (outbox, relay, topics, consumer groups, effects)
 * with its figures, the headline tiles, the last hour's charts and the services' readiness. The
 * body is a fragment that {@code console.js} fetches again every two seconds.
 */
final class OverviewPage {

  private final Sampler sampler;
  private final Sources sources;

  OverviewPage(Sampler sampler, Sources sources) {
    this.sampler = sampler;
    this.sources = sources;
  }

  void register(Web web, ContextFactory ctx) {
    web.get("/", r -> Response.ok(page(ctx.of(r))));
    web.get("/live/overview", r -> Response.ok(live()));
  }

  private Html page(Layout.Context ctx) {
    return Layout.page(
        ctx,
        "Overview",
        "overview",
        Html.f(
            "%s<div id=\"overview\" data-live=\"/live/overview\" data-every=\"2000\">%s</div>",
            Layout.heading("Pipeline", "Outbox → relay → topics → consumer groups → effects, live"),
            live()));
  }

  /** The live part of the page. */
  Html live() {
    Snapshot s = sampler.latest();
    List<Point> history = sampler.history();
    Html problems = Html.join(s.problems().stream().map(p -> Layout.notice("warn", p)));
    return Html.f(
        "%s<p class=\"stamp\">Sampled %s</p>%s%s<div class=\"charts\">%s</div>%s",
        problems,
        Fmt.time(s.at()),
        tiles(s),
        flow(s),
        charts(s, history),
        Layout.card("Services", services(s)));
  }

  private static Html tile(String metric, long value, String label, Object shown, Object note) {
    return Html.f(
        "<div class=\"tile\" data-metric=\"%s\" data-value=\"%s\"><div class=\"label\">%s</div>"
            + "<div class=\"value\">%s</div><div class=\"note\">%s</div></div>",
        metric, value, label, shown, note);
  }

  private Html tiles(Snapshot s) {
    Slot slot = s.slot();
    long slotLag = slot == null || !slot.exists() ? -1 : slot.lagBytes();
    long groupLag = s.groups().stream().mapToLong(GroupStats::lag).sum();
    long parked = sum(s.groups().stream().map(GroupStats::parkedKeys).toList());
    long dead = sum(s.groups().stream().map(GroupStats::dead).toList());
    long dlq = s.deadLetterTopics().stream().mapToLong(TopicStats::records).sum();
    return Html.f(
        "<div class=\"tiles\">%s%s%s%s%s</div>",
        tile(
            "published-rate",
            Math.round(s.publishedPerSecond()),
            "Published",
            Fmt.rate(s.publishedPerSecond()),
            "events/s onto the outbox topics"),
        tile(
            "slot-lag-bytes",
            slotLag,
            "Relay slot lag",
            slotLag < 0 ? "—" : Fmt.bytes(slotLag),
            Html.f(
                "<span data-metric=\"slot-lag-ms\" data-value=\"%s\">%s</span>",
                slot == null || slot.lagTime() == null ? -1 : slot.lagTime().toMillis(),
                slotLagTime(slot))),
        tile(
            "group-lag",
            groupLag,
            "Consumer lag",
            Fmt.count(groupLag),
            "records not yet consumed, all groups"),
        tile(
            "parked-keys",
            parked,
            "Parked keys",
            parked < 0 ? "—" : Fmt.count(parked),
            "keys waiting behind a retry"),
        tile(
            "dead-events",
            dead,
            "Dead events",
            dead < 0 ? "—" : Fmt.count(dead),
            Fmt.count(dlq) + " record(s) in dead-letter topics"));
  }

  private static long sum(List<Long> values) {
    long total = 0;
    boolean any = false;
    for (Long v : values) {
      if (v != null) {
        total += v;
        any = true;
      }
    }
    return any ? total : -1;
  }

  static String slotLagTime(Slot slot) {
    if (slot == null) {
      return "outbox database unreachable";
    }
    if (!slot.exists()) {
      return "slot " + slot.name() + " missing";
    }
    if (slot.lagTime() == null) {
      return "behind: unknown";
    }
    if (slot.lagBytes() == 0 || slot.lagTime().isZero()) {
      return "up to date";
    }
    if (slot.lagTimeAtLeast()) {
      return "behind: more than " + Fmt.duration(slot.lagTime());
    }
    return "behind: " + Fmt.duration(slot.lagTime());
  }

  private Html flow(Snapshot s) {
    Slot slot = s.slot();
    Html relayState =
        slot == null
            ? Layout.pill("idle", "unknown")
            : !slot.exists()
                ? Layout.pill("bad", "slot missing")
                : slot.active() ? Layout.pill("ok", "streaming") : Layout.pill("bad", "stopped");
    String outboxTable =
        sources.config().get(CommonSettings.OUTBOX_SCHEMA)
            + "."
            + sources.config().get(CommonSettings.OUTBOX_TABLE);
    Html outbox =
        Html.f(
            "<div class=\"node\"><h3>%s</h3><dl><dt>waiting in the WAL</dt><dd>%s</dd>"
                + "<dt>oldest waiting</dt><dd>%s</dd></dl></div>",
            outboxTable,
            slot == null || !slot.exists() ? "—" : Fmt.bytes(slot.lagBytes()),
            slotLagTime(slot));
    Html relay =
        Html.f(
            "<div class=\"node\"><h3>relay %s</h3><dl><dt>slot</dt><dd>%s</dd>"
                + "<dt>published</dt><dd>%s</dd></dl></div>",
            relayState, slot == null ? "—" : slot.name(), Fmt.rate(s.publishedPerSecond()));
    Html topics =
        Html.join(
            s.topics().stream()
                .map(
                    t ->
                        Html.f(
                            "<div class=\"node\"><h3>%s</h3><dl><dt>records</dt><dd>%s</dd>"
                                + "<dt>in</dt><dd>%s</dd></dl></div>",
                            t.name(), Fmt.count(t.records()), Fmt.rate(t.perSecond()))));
    Html groups = Html.join(s.groups().stream().map(this::groupNode));
    Html effects =
        Html.join(
            s.groups().stream()
                .map(
                    g -> {
                      List<Sources.Effect> e = sources.group(g.name()).effects();
                      Set<String> tables = new LinkedHashSet<>();
                      e.forEach(x -> tables.add(x.table()));
                      return Html.f(
                          "<div class=\"node\"><h3>%s</h3><dl><dt>effects in</dt><dd>%s</dd>"
                              + "<dt>last applied</dt><dd>%s</dd></dl></div>",
                          g.name(),
                          tables.isEmpty() ? "not configured" : String.join(", ", tables),
                          Fmt.ago(g.lastProcessed(), s.at()));
                    }));
    return Html.f(
        "<div class=\"flow\">"
            + "<div class=\"stage\"><h4>Outbox</h4>%s</div>"
            + "<div class=\"stage\"><h4>Relay</h4>%s</div>"
            + "<div class=\"stage\"><h4>Topics</h4>%s</div>"
            + "<div class=\"stage\"><h4>Consumer groups</h4>%s</div>"
            + "<div class=\"stage\"><h4>Effects</h4>%s</div></div>",
        outbox,
        relay,
        topics.toString().isEmpty() ? Html.f("<p class=\"empty\">no outbox topic yet</p>") : topics,
        groups.toString().isEmpty()
            ? Html.f("<p class=\"empty\">no consumer group yet</p>")
            : groups,
        effects);
  }

  private Html groupNode(GroupStats g) {
    String kind = g.ready() == null ? (g.members() > 0 ? "ok" : "idle") : g.ready() ? "ok" : "bad";
    String state =
        g.ready() == null
            ? g.state().toLowerCase(java.util.Locale.ROOT)
            : g.ready() ? "ready" : "not ready";
    Html attention =
        (g.dead() != null && g.dead() > 0) || (g.parkedKeys() != null && g.parkedKeys() > 0)
            ? Html.f(
                " <a class=\"pill bad\" href=\"%s\">%s dead · %s parked</a>",
                "/groups/" + Html.segment(g.name()), Fmt.count(g.dead()), Fmt.count(g.parkedKeys()))
            : Html.EMPTY;
    return Html.f(
        "<div class=\"node\" data-group=\"%s\"><h3><a href=\"%s\">%s</a> %s%s</h3>"
            + "<dl><dt>lag</dt><dd data-metric=\"group-lag-%s\" data-value=\"%s\">%s</dd>"
            + "<dt>consumed</dt><dd>%s</dd><dt>members</dt><dd>%s</dd></dl></div>",
        g.name(),
        "/groups/" + Html.segment(g.name()),
        g.name(),
        Layout.pill(kind, state),
        attention,
        g.name(),
        g.lag(),
        Fmt.count(g.lag()),
        Fmt.rate(g.perSecond()),
        g.members());
  }

  private Html charts(Snapshot s, List<Point> history) {
    List<Chart.Point> published = new ArrayList<>();
    List<Chart.Point> slotLag = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) {
      Point p = history.get(i);
      if (p.slotLagBytes() >= 0) {
        slotLag.add(new Chart.Point(p.at(), p.slotLagBytes()));
      }
      if (i > 0) {
        Point prev = history.get(i - 1);
        double secs = Math.max(0.001, Duration.between(prev.at(), p.at()).toMillis() / 1000.0);
        published.add(
            new Chart.Point(p.at(), Math.max(0, (p.published() - prev.published()) / secs)));
      }
    }
    List<Chart.Series> lags = new ArrayList<>();
    for (GroupStats g : s.groups()) {
      List<Chart.Point> points = new ArrayList<>();
      for (Point p : history) {
        Long lag = p.groupLag().get(g.name());
        if (lag != null) {
          points.add(new Chart.Point(p.at(), lag));
        }
      }
      lags.add(new Chart.Series(g.name(), points));
    }
    return Html.f(
        "%s%s%s",
        Chart.render(
            "Published, events/s",
            List.of(new Chart.Series("all topics", published)),
            s.at(),
            v -> Long.toString(v)),
        Chart.render(
            "Relay slot lag", List.of(new Chart.Series("slot", slotLag)), s.at(), Fmt::bytes),
        Chart.render("Consumer group lag, records", lags, s.at(), Fmt::count));
  }

  private Html services(Snapshot s) {
    List<Html> rows = new ArrayList<>();
    Slot slot = s.slot();
    if (sources.config().get(ConsoleSettings.RELAY_URL) == null) {
      rows.add(
          Html.f(
              "<tr><td>relay</td><td>%s</td><td>%s</td></tr>",
              slot != null && slot.active()
                  ? Layout.pill("ok", "streaming")
                  : Layout.pill("bad", "slot inactive"),
              "no relay.url configured: state from the slot's active flag"));
    }
    for (ServiceStats svc : s.services()) {
      rows.add(
          Html.f(
              "<tr><td>%s</td><td>%s</td><td>%s <span class=\"muted\">%s</span></td></tr>",
              svc.name(),
              svc.ready() == null
                  ? Layout.pill("bad", "unreachable")
                  : svc.ready() ? Layout.pill("ok", "ready") : Layout.pill("bad", "not ready"),
              svc.detail(),
              svc.url()));
    }
    for (Map.Entry<String, String> missing : groupsWithoutUrl(s).entrySet()) {
      rows.add(
          Html.f(
              "<tr><td>%s</td><td>%s</td><td>%s</td></tr>",
              missing.getKey(),
              Layout.pill("idle", missing.getValue()),
              "no group." + missing.getKey() + ".url configured"));
    }
    return Layout.table(List.of("service", "state", "detail"), rows, "No service configured.");
  }

  private Map<String, String> groupsWithoutUrl(Snapshot s) {
    Map<String, String> result = new java.util.LinkedHashMap<>();
    for (GroupStats g : s.groups()) {
      if (sources.group(g.name()).url() == null) {
        result.put(g.name(), g.members() > 0 ? g.members() + " member(s)" : "no members");
      }
    }
    return result;
  }
}
