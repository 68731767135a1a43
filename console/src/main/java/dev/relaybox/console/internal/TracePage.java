package dev.relaybox.console.internal;

import dev.relaybox.console.internal.GroupLookups.Rows;
import dev.relaybox.console.internal.Tracer.Event;
import dev.relaybox.console.internal.Tracer.Outcome;
import dev.relaybox.console.internal.Tracer.Trace;
import java.util.List;
import java.util.Map;

/** The trace page: a search box, then the timeline of a key's events and their follow-ups. */
final class TracePage {

  private final Tracer tracer;
  private final String outboxTable;

  TracePage(Tracer tracer, String outboxTable) {
    this.tracer = tracer;
    this.outboxTable = outboxTable;
  }

  void register(Web web, ContextFactory ctx) {
    web.get("/trace", r -> Response.ok(page(ctx.of(r), r.query("q"))));
  }

  private Html page(Layout.Context ctx, String query) throws java.sql.SQLException {
    Html search =
        Html.f(
            "<form method=\"get\" action=\"/trace\" class=\"search\">"
                + "<input type=\"search\" name=\"q\" value=\"%s\" placeholder=\"Event id, aggregate id"
                + " or order id\" aria-label=\"Event id, aggregate id or order id\" autofocus>"
                + "<button type=\"submit\" class=\"btn primary\">Trace</button></form>",
            query);
    Html result = Html.EMPTY;
    if (!query.isEmpty()) {
      try {
        result = render(tracer.trace(query));
      } catch (IllegalArgumentException e) {
        result = Layout.notice("warn", e.getMessage());
      }
    }
    return Layout.page(
        ctx,
        query.isEmpty() ? "Trace" : "Trace " + query,
        "trace",
        Html.f(
            "%s%s%s",
            Layout.heading(
                "Trace",
                "From the outbox row to the effects: every event of a key, each group's outcome,"
                    + " and the follow-ups each processing wrote"),
            search,
            result));
  }

  private Html render(Trace t) {
    Html notes = Html.join(t.notes().stream().map(n -> Layout.notice("warn", n)));
    if (t.key() == null) {
      return notes;
    }
    Html summary =
        Html.f(
            "<p class=\"sub\" data-trace-key=\"%s\">%s event(s) with key <code>%s</code>,"
                + " follow-ups under the event whose processing wrote them.</p>",
            t.key(), t.events(), t.key());
    Html timeline =
        t.roots().isEmpty()
            ? Layout.notice("info", "No event with this key in the trace window.")
            : timeline(t.roots());
    Html byKey =
        Html.join(
            t.keyEffects().stream()
                .flatMap(o -> o.effects().stream().map(r -> effectCard(o.group(), r))));
    return Html.f("%s%s%s%s", notes, summary, timeline, byKey);
  }

  private Html timeline(List<Event> events) {
    return Html.f("<ul class=\"timeline\">%s</ul>", Html.join(events.stream().map(this::event)));
  }

  private Html event(Event e) {
    Html commit =
        step(
            "outbox commit",
            Html.f(
                "%s <span class=\"muted\">%s</span>",
                Fmt.time(e.committed()),
                e.rowRetained()
                    ? "row kept in " + outboxTable
                    : "row deleted in its transaction; time from the Kafka timestamp"));
    Html publish =
        e.published()
            ? step(
                "relay publish",
                Html.f(
                    "<code>%s</code> partition %s offset %s <span class=\"muted\">Kafka timestamp"
                        + " %s</span>",
                    e.topic(), e.partition(), e.offset(), Fmt.time(e.committed())))
            : step("relay publish", Layout.pill("warn", "waiting for the relay"));
    Html outcomes = Html.join(e.outcomes().stream().map(TracePage::outcome));
    Html headers =
        Html.join(
            e.headers().entrySet().stream()
                .map(h -> Html.f("<dt>%s</dt><dd>%s</dd>", h.getKey(), h.getValue())));
    Html children = e.followUps().isEmpty() ? Html.EMPTY : timeline(e.followUps());
    return Html.f(
        "<li class=\"event\" data-event-id=\"%s\" data-type=\"%s\"><div class=\"card\">"
            + "<h3>%s <code class=\"muted\">%s</code> <a href=\"%s\">trace this event</a></h3>"
            + "<ul class=\"steps\">%s%s%s</ul>"
            + "<details><summary>Headers</summary><dl class=\"kv\">%s</dl></details>"
            + "<details><summary>Value (decoded through the registry)</summary>"
            + "<pre class=\"value\">%s</pre></details></div>%s</li>",
        e.id(),
        e.type(),
        e.type().isEmpty() ? "(no eventType header)" : e.type(),
        e.id(),
        Html.url("/trace", Map.of("q", e.id().toString())),
        commit,
        publish,
        outcomes,
        headers,
        e.decoded(),
        children);
  }

  private static Html step(String what, Html detail) {
    return Html.f("<li><span class=\"what\">%s</span><span>%s</span></li>", what, detail);
  }

  private static Html outcome(Outcome o) {
    String kind =
        switch (o.state()) {
          case "processed" -> "ok";
          case "dead" -> "bad";
          case "retrying", "pending", "waiting" -> "warn";
          default -> "idle";
        };
    Html effects =
        Html.join(o.effects().stream().map(r -> Html.f("<div class=\"effect\">%s</div>", rows(r))));
    return Html.f(
        "<li data-group=\"%s\" data-state=\"%s\"><span class=\"what\">%s</span><span>%s %s"
            + " <span class=\"muted\">%s</span>%s</span></li>",
        o.group(),
        o.state(),
        o.group(),
        Layout.pill(kind, o.state()),
        o.at() == null ? "" : Fmt.time(o.at()),
        o.detail() == null ? "" : o.detail(),
        effects);
  }

  private static Html effectCard(String group, Rows r) {
    return Layout.card("Records of " + group + " for this key: " + r.table(), rows(r));
  }

  private static Html rows(Rows r) {
    if (r.problem() != null) {
      return Layout.notice("warn", "Cannot read " + r.table() + ": " + r.problem());
    }
    if (r.rows().isEmpty()) {
      return Html.f("<p class=\"empty\">no row in %s</p>", r.table());
    }
    List<Html> rows =
        r.rows().stream()
            .map(
                row ->
                    Html.f(
                        "<tr>%s</tr>",
                        Html.join(row.stream().map(v -> Html.f("<td class=\"mono\">%s</td>", v)))))
            .toList();
    return Html.f(
        "<div data-effect-table=\"%s\"><span class=\"muted\">%s</span>%s</div>",
        r.table(), r.table(), Layout.table(r.columns(), rows, ""));
  }
}
