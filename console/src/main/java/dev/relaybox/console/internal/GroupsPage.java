package dev.relaybox.console.internal;

import dev.relaybox.console.internal.ParkedSets.DeadRow;
import dev.relaybox.console.internal.ParkedSets.Filter;
import dev.relaybox.console.internal.ParkedSets.ParkedKey;
import dev.relaybox.console.internal.Snapshot.GroupStats;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Retries and dead events per group: the list of groups, then one group's parked keys (retry set)
 * and dead events with filters (key, event type, error, age, state), and one dead event in full
 * with its value decoded through the registry. Actions are in {@link DeadEventActions}.
 */
final class GroupsPage {

  static final Map<String, Duration> AGES =
      Map.of("5m", Duration.ofMinutes(5), "1h", Duration.ofHours(1), "1d", Duration.ofDays(1));

  private final Sampler sampler;
  private final Sources sources;

  GroupsPage(Sampler sampler, Sources sources) {
    this.sampler = sampler;
    this.sources = sources;
  }

  void register(Web web, ContextFactory ctx) {
    web.get("/groups", r -> Response.ok(list(ctx.of(r))));
    web.get("/groups/(?<group>[^/]+)", r -> Response.ok(group(ctx.of(r), r)));
    web.get(
        "/groups/(?<group>[^/]+)/dead/(?<id>[0-9]{1,18})", r -> Response.ok(event(ctx.of(r), r)));
  }

  /** The group named by the path, if the console knows it; else 404. */
  Sources.Group known(Request r) {
    String name = r.segment("group");
    boolean known =
        sampler.latest().group(name).isPresent() || sources.configuredGroups().contains(name);
    if (!known) {
      throw new Web.BadRequest(404, "No consumer group " + name + " is known to this console.");
    }
    return sources.group(name);
  }

  /** The filter of the request's query (or form) parameters. */
  static Filter filter(Request r) {
    String state = r.param("state").isEmpty() ? "dead" : r.param("state");
    Forms.oneOf("state", state, List.of("dead", "redriven", "discarded", "all"));
    String age = r.param("age");
    if (!age.isEmpty()) {
      Forms.oneOf("age", age, AGES.keySet());
    }
    String before = r.query("before");
    if (!before.isEmpty() && !before.matches("[0-9]{1,18}")) {
      throw new Web.BadRequest(400, "before must be a dead-event id");
    }
    return new Filter(
        state.equals("all") ? null : state,
        limit("key", r.param("key")),
        limit("type", r.param("type")),
        limit("error", r.param("error")),
        age.isEmpty() ? null : AGES.get(age),
        before.isEmpty() ? null : Long.parseLong(before));
  }

  private static String limit(String field, String value) {
    if (value.length() > 255) {
      throw new Web.BadRequest(400, field + " is longer than 255 characters");
    }
    return value;
  }

  /** The filter's parameters, for links and hidden fields. */
  static Map<String, String> params(Request r) {
    Map<String, String> p = new LinkedHashMap<>();
    for (String name : List.of("state", "key", "type", "error", "age")) {
      p.put(name, r.param(name));
    }
    return p;
  }

  private Html list(Layout.Context ctx) {
    List<Html> rows =
        sampler.latest().groups().stream()
            .map(
                (GroupStats g) ->
                    Html.f(
                        "<tr><td><a href=\"%s\">%s</a></td><td class=\"num\">%s</td>"
                            + "<td class=\"num\">%s</td><td class=\"num\">%s</td>"
                            + "<td class=\"num\">%s</td><td>%s</td></tr>",
                        "/groups/" + Html.segment(g.name()),
                        g.name(),
                        Fmt.count(g.lag()),
                        Fmt.count(g.parkedKeys()),
                        Fmt.count(g.retrying()),
                        Fmt.count(g.dead()),
                        g.dead() == null
                            ? Layout.pill("idle", "no retry or dead set")
                            : g.dead() > 0
                                ? Layout.pill("bad", "needs attention")
                                : Layout.pill("ok", "clear")))
            .toList();
    return Layout.page(
        ctx,
        "Retries & dead",
        "groups",
        Html.f(
            "%s%s",
            Layout.heading("Retries & dead events", "Per consumer group"),
            Layout.card(
                "Consumer groups",
                Layout.table(
                    List.of("group", "=lag", "=parked keys", "=retrying", "=dead", ""),
                    rows,
                    "No consumer group yet."))));
  }

  private Html group(Layout.Context ctx, Request r) throws Exception {
    Sources.Group g = known(r);
    Filter f = filter(r);
    Map<String, String> p = params(r);
    try (Connection c = g.db().getConnection()) {
      if (!PostgresProbe.exists(c, g.qualified(ParkedSets.DEAD_SET))) {
        return Layout.page(
            ctx,
            g.name(),
            "groups",
            Html.f(
                "%s%s",
                Layout.heading(g.name(), "Retries & dead events"),
                Layout.notice(
                    "info",
                    "The group's database has no retry or dead set ("
                        + g.qualified(ParkedSets.DEAD_SET)
                        + "): its consumers run a framework version"
                        + " without them, or the group's db.schema and processed.keys.table differ.")));
      }
      List<DeadRow> dead = ParkedSets.dead(c, g, f);
      long matching =
          ParkedSets.count(
              c, g, new Filter(f.state(), f.key(), f.type(), f.error(), f.olderThan(), null));
      List<ParkedKey> parked = ParkedSets.parkedKeys(c, g);
      return Layout.page(
          ctx,
          g.name(),
          "groups",
          Html.f(
              "%s%s%s",
              Layout.heading(g.name(), "Retries & dead events"),
              Layout.card("Parked keys (retry set)", parkedTable(ctx, g, parked)),
              Layout.card(
                  "Dead events",
                  Html.f(
                      "%s%s%s%s",
                      filters(p),
                      bulk(ctx, g, p, f, matching),
                      deadTable(g, dead, matching),
                      next(g, p, dead)))));
    }
  }

  private static Html filters(Map<String, String> p) {
    Html states =
        Html.join(
            List.of("dead", "redriven", "discarded", "all").stream()
                .map(
                    s ->
                        Html.f(
                            "<option value=\"%s\"%s>%s</option>",
                            s,
                            s.equals(p.get("state").isEmpty() ? "dead" : p.get("state"))
                                ? Html.f(" selected")
                                : Html.EMPTY,
                            s)));
    Html ages =
        Html.join(
            List.of("", "5m", "1h", "1d").stream()
                .map(
                    a ->
                        Html.f(
                            "<option value=\"%s\"%s>%s</option>",
                            a,
                            a.equals(p.get("age")) ? Html.f(" selected") : Html.EMPTY,
                            a.isEmpty() ? "any age" : "older than " + a)));
    return Html.f(
        "<form method=\"get\" class=\"filters\"><label>Key<input type=\"text\" name=\"key\" value=\"%s\"></label>"
            + "<label>Event type<input type=\"text\" name=\"type\" value=\"%s\"></label>"
            + "<label>Error contains<input type=\"text\" name=\"error\" value=\"%s\"></label>"
            + "<label>Age<select name=\"age\">%s</select></label>"
            + "<label>State<select name=\"state\">%s</select></label>"
            + "<button type=\"submit\" class=\"btn\">Filter</button></form>",
        p.get("key"), p.get("type"), p.get("error"), ages, states);
  }

  private static Html bulk(
      Layout.Context ctx, Sources.Group g, Map<String, String> p, Filter f, long matching) {
    if (!ctx.canAct() || !"dead".equals(f.state()) || matching == 0) {
      return Html.EMPTY;
    }
    String base = "/groups/" + Html.segment(g.name()) + "/bulk";
    Map<String, Object> redrive = new LinkedHashMap<>(p);
    redrive.put("action", "redrive");
    Map<String, Object> discard = new LinkedHashMap<>(p);
    discard.put("action", "discard");
    return Html.f(
        "<div class=\"actions\"><span class=\"muted\">%s matching dead event(s):</span>"
            + " <a class=\"btn\" href=\"%s\">Redrive all…</a> <a class=\"btn danger\" href=\"%s\">Discard all…</a></div>",
        Fmt.count(matching), Html.url(base, redrive), Html.url(base, discard));
  }

  private static Html deadTable(Sources.Group g, List<DeadRow> dead, long matching) {
    List<Html> rows =
        dead.stream()
            .map(
                d ->
                    Html.f(
                        "<tr data-dead-id=\"%s\"><td class=\"num\"><a href=\"%s\">#%s</a></td><td class=\"nowrap\">%s</td>"
                            + "<td><code>%s</code></td><td>%s</td><td class=\"nowrap\">%s/%s@%s</td><td>%s</td>"
                            + "<td class=\"num\">%s</td><td>%s</td><td>%s</td></tr>",
                        d.id(),
                        "/groups/" + Html.segment(g.name()) + "/dead/" + d.id(),
                        d.id(),
                        Fmt.time(d.diedAt()),
                        d.key(),
                        d.type(),
                        d.topic(),
                        d.partition(),
                        d.offset(),
                        d.reason(),
                        d.attempts(),
                        abbreviate(d.error()),
                        statePill(d)))
            .toList();
    return Html.f(
        "<p class=\"muted\">%s matching</p>%s",
        Fmt.count(matching),
        Layout.table(
            List.of(
                "=id", "died", "key", "type", "record", "reason", "=attempts", "error", "state"),
            rows,
            "No dead event matches."));
  }

  static Html statePill(DeadRow d) {
    return switch (d.state()) {
      case "dead" -> Layout.pill("bad", d.blocksKey() ? "dead, key waits" : "dead");
      case "redriven" -> Layout.pill("ok", "redriven");
      default -> Layout.pill("idle", d.state());
    };
  }

  private static Html next(Sources.Group g, Map<String, String> p, List<DeadRow> dead) {
    if (dead.size() < ParkedSets.PAGE) {
      return Html.EMPTY;
    }
    Map<String, Object> q = new LinkedHashMap<>(p);
    q.put("before", dead.get(dead.size() - 1).id());
    return Html.f(
        "<p><a href=\"%s\">Older →</a></p>", Html.url("/groups/" + Html.segment(g.name()), q));
  }

  private static Html parkedTable(Layout.Context ctx, Sources.Group g, List<ParkedKey> parked) {
    List<Html> rows =
        parked.stream()
            .map(
                k ->
                    Html.f(
                        "<tr><td><code>%s</code></td><td class=\"nowrap\">%s/%s@%s</td><td class=\"num\">%s</td>"
                            + "<td class=\"num\">%s</td><td class=\"nowrap\">%s</td><td>%s</td><td>%s</td></tr>",
                        k.key(),
                        k.topic(),
                        k.partition(),
                        k.headOffset(),
                        k.events(),
                        k.attempt(),
                        k.nextAttempt() == null ? "behind a dead event" : Fmt.time(k.nextAttempt()),
                        abbreviate(k.lastError()),
                        ctx.canAct() && k.nextAttempt() != null
                            ? Layout.form(
                                ctx,
                                "/groups/" + Html.segment(g.name()) + "/retry-now",
                                Html.f(
                                    "%s%s%s",
                                    Layout.hidden("topic", k.topic()),
                                    Layout.hidden("partition", k.partition()),
                                    Layout.hidden("key", k.key())),
                                "Retry now",
                                "")
                            : Html.EMPTY))
            .toList();
    return Layout.table(
        List.of("key", "head record", "=events", "=attempts", "next attempt", "last error", ""),
        rows,
        "No parked key: nothing waits for a retry.");
  }

  static String abbreviate(String s) {
    return s == null ? "" : s.length() > 100 ? s.substring(0, 97) + "…" : s;
  }

  private Html event(Layout.Context ctx, Request r) throws Exception {
    Sources.Group g = known(r);
    long id = Long.parseLong(r.segment("id"));
    DeadRow d;
    try (Connection c = g.db().getConnection()) {
      d = ParkedSets.deadEvent(c, g, id);
    }
    if (d == null) {
      throw new Web.BadRequest(404, "Group " + g.name() + " has no dead event #" + id + ".");
    }
    return DeadEventActions.eventPage(ctx, g, d, decode(d), r.query("done"));
  }

  private String decode(DeadRow d) {
    if (d.value() == null) {
      return "null (tombstone)";
    }
    try {
      return Json.pretty(
          String.valueOf(
              sources.deserializer().deserialize(d.topic(), d.partition(), d.offset(), d.value())));
    } catch (RuntimeException e) {
      return "cannot decode: " + e.getMessage();
    }
  }
}
