package dev.relaybox.console.internal;

import dev.relaybox.console.internal.Snapshot.GroupStats;
import dev.relaybox.console.internal.Snapshot.TopicStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Topics and recovery: the outbox and dead-letter topics with sizes and rates, who consumes what
 * with which lag, and the two recoveries of the command line, each planned as a dry run first: a
 * consumer group replay and an outbox republish.
 */
final class TopicsPage {

  private final Sampler sampler;

  TopicsPage(Sampler sampler) {
    this.sampler = sampler;
  }

  void register(Web web, ContextFactory ctx) {
    web.get("/topics", r -> Response.ok(page(ctx.of(r))));
  }

  private Html page(Layout.Context ctx) {
    Snapshot s = sampler.latest();
    List<Html> topicRows = new ArrayList<>();
    for (TopicStats t : s.topics()) {
      List<Html> consumers = new ArrayList<>();
      for (GroupStats g : s.groups()) {
        Long lag = g.lagByTopic().get(t.name());
        if (lag != null) {
          consumers.add(
              Html.f(
                  "<span class=\"nowrap\"><a href=\"%s\">%s</a> lag %s</span> ",
                  "/groups/" + Html.segment(g.name()), g.name(), Fmt.count(lag)));
        }
      }
      topicRows.add(
          Html.f(
              "<tr data-topic=\"%s\"><td><code>%s</code></td><td class=\"num\">%s</td>"
                  + "<td class=\"num\">%s</td><td class=\"num\">%s</td><td>%s</td></tr>",
              t.name(),
              t.name(),
              t.partitions(),
              Fmt.count(t.records()),
              Fmt.rate(t.perSecond()),
              consumers.isEmpty() ? Html.text("no group") : Html.join(consumers)));
    }
    List<Html> dlqRows =
        s.deadLetterTopics().stream()
            .map(
                t ->
                    Html.f(
                        "<tr><td><code>%s</code></td><td class=\"num\">%s</td>"
                            + "<td class=\"num\">%s</td></tr>",
                        t.name(), t.partitions(), Fmt.count(t.records())))
            .toList();
    Html tables =
        Html.f(
            "%s%s",
            Layout.card(
                "Outbox topics",
                Layout.table(
                    List.of("topic", "=partitions", "=records", "=in", "consumed by"),
                    topicRows,
                    "No outbox topic yet.")),
            Layout.card(
                "Dead-letter topics",
                Layout.table(
                    List.of("topic", "=partitions", "=records"),
                    dlqRows,
                    "No dead-letter topic.")));
    Html recovery =
        ctx.canAct()
            ? Html.f("<div class=\"grid2\">%s%s</div>", replayForm(ctx, s), republishForm(ctx))
            : Layout.notice("info", "Read-only console: recoveries are off.");
    return Layout.page(
        ctx,
        "Topics & recovery",
        "topics",
        Html.f(
            "%s%s%s%s",
            Layout.heading(
                "Topics & recovery", "Sizes and rates; replays and republishes, dry run first"),
            Html.join(s.problems().stream().map(p -> Layout.notice("warn", p))),
            tables,
            recovery));
  }

  private static Html options(List<String> values) {
    return Html.join(values.stream().map(v -> Html.f("<option value=\"%s\">%s</option>", v, v)));
  }

  private static Html replayForm(Layout.Context ctx, Snapshot s) {
    Html fields =
        Html.f(
            "<label>Consumer group<select name=\"group\">%s</select></label>"
                + "<label>Topic<select name=\"topic\">%s</select></label>"
                + "<label>From<select name=\"start\"><option value=\"earliest\">the start of the"
                + " log</option><option value=\"timestamp\">a time</option><option"
                + " value=\"offsets\">offsets</option></select></label>"
                + "<label>Time (for “a time”)<input type=\"text\" name=\"timestamp\""
                + " placeholder=\"2026-11-22T10:00:00Z\"></label>"
                + "<label>Offsets (for “offsets”)<input type=\"text\" name=\"offsets\""
                + " placeholder=\"0:120,2:97\"></label>",
            options(s.groups().stream().map(GroupStats::name).toList()),
            options(s.topics().stream().map(TopicStats::name).toList()));
    return Layout.card(
        "Replay a consumer group",
        Html.f(
            "<p class=\"sub\">Rewinds a stopped group: its consumers read the records again and"
                + " skip the event ids they processed, so only missing effects happen. Refused"
                + " while the group has live members.</p>"
                + "<form method=\"post\" action=\"/topics/replay/plan\" class=\"stack\">%s%s"
                + "<button type=\"submit\" class=\"btn primary\">Plan the replay (dry run)</button>"
                + "</form>",
            Layout.hidden(Security.CSRF_FIELD, ctx.session().csrf()), fields));
  }

  private static Html republishForm(Layout.Context ctx) {
    return Layout.card(
        "Republish from the outbox",
        Html.f(
            "<p class=\"sub\">For a topic that lost events: re-inserts the retained outbox rows"
                + " (RETAIN mode) of a window, unchanged, and the relay publishes them again."
                + " Consumers skip the event ids they processed.</p>"
                + "<form method=\"post\" action=\"/outbox/republish/plan\" class=\"stack\">%s"
                + "<label>From (inclusive)<input type=\"text\" name=\"from\""
                + " placeholder=\"2026-11-22T10:00:00Z\" required></label>"
                + "<label>To (exclusive)<input type=\"text\" name=\"to\""
                + " placeholder=\"2026-11-22T11:00:00Z\" required></label>"
                + "<button type=\"submit\" class=\"btn primary\">Count the events (dry run)</button>"
                + "</form>",
            Layout.hidden(Security.CSRF_FIELD, ctx.session().csrf())));
  }

  /** The hidden fields that carry {@code params} into the confirmation form. */
  static Html carry(Map<String, String> params) {
    return Html.join(params.entrySet().stream().map(e -> Layout.hidden(e.getKey(), e.getValue())));
  }
}
