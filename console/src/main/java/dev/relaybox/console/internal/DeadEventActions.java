package dev.relaybox.console.internal;

import dev.relaybox.console.internal.ParkedSets.DeadRow;
import dev.relaybox.console.internal.ParkedSets.Filter;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

/**
 * The actions of the Retries &amp; dead page: redrive or discard one dead event, the same for every
 * dead event matching a filter, and retry a parked key now. Each is confirmed on a page of its own
 * first (so it works without JavaScript), carried out by the consumer framework ({@link
 * DeadActions}), and audited with who, when and what. A bulk action runs only if the filter still
 * matches the number of events the operator confirmed.
 */
final class DeadEventActions {

  private static final List<String> ACTIONS = List.of("redrive", "discard");

  private final GroupsPage groups;
  private final DeadActions actions;
  private final AuditLog audit;

  DeadEventActions(GroupsPage groups, DeadActions actions, AuditLog audit) {
    this.groups = groups;
    this.actions = actions;
    this.audit = audit;
  }

  void register(Web web, ContextFactory ctx) {
    String one = "/groups/(?<group>[^/]+)/dead/(?<id>[0-9]{1,18})/(?<action>redrive|discard)";
    web.get(one, r -> confirmOne(ctx.of(r), r));
    web.post(one, r -> one(r));
    web.get("/groups/(?<group>[^/]+)/bulk", r -> confirmBulk(ctx.of(r), r));
    web.post("/groups/(?<group>[^/]+)/bulk", r -> bulk(ctx.of(r), r));
    web.post("/groups/(?<group>[^/]+)/retry-now", r -> retryNow(r));
  }

  /** One dead event in full, with its actions while it is dead. */
  static Html eventPage(Layout.Context ctx, Sources.Group g, DeadRow d, String value, String done) {
    String base = "/groups/" + Html.segment(g.name()) + "/dead/" + d.id();
    Html notice =
        done.isEmpty()
            ? Html.EMPTY
            : Layout.notice(
                "ok",
                done.equals("redrive")
                    ? "Redriven: the event runs again first of its key; its processed key keeps it from applying twice."
                    : "Discarded: the key's later events go on.");
    Html actions =
        ctx.canAct() && d.state().equals("dead")
            ? Html.f(
                "<div class=\"actions\"><a class=\"btn primary\" href=\"%s\">Redrive…</a>"
                    + " <a class=\"btn danger\" href=\"%s\">Discard…</a></div>",
                base + "/redrive", base + "/discard")
            : Html.EMPTY;
    Html facts =
        Html.f(
            "<dl class=\"kv\"><dt>state</dt><dd>%s %s</dd><dt>event id</dt><dd><a href=\"%s\">%s</a></dd>"
                + "<dt>key</dt><dd><code>%s</code></dd><dt>event type</dt><dd>%s</dd>"
                + "<dt>record</dt><dd>%s partition %s offset %s</dd><dt>reason</dt><dd>%s</dd>"
                + "<dt>attempts</dt><dd>%s</dd><dt>error</dt><dd>%s</dd><dt>died</dt><dd>%s</dd></dl>",
            GroupsPage.statePill(d),
            d.resolvedBy() == null
                ? ""
                : "by " + d.resolvedBy() + " at " + Fmt.time(d.resolvedAt()),
            Html.url("/trace", Map.of("q", String.valueOf(d.eventId()))),
            d.eventId(),
            d.key(),
            d.type(),
            d.topic(),
            d.partition(),
            d.offset(),
            d.reason(),
            d.attempts(),
            d.error(),
            Fmt.time(d.diedAt()));
    Html headers =
        Html.join(
            d.headers().entrySet().stream()
                .map(h -> Html.f("<dt>%s</dt><dd>%s</dd>", h.getKey(), h.getValue())));
    return Layout.page(
        ctx,
        "Dead event #" + d.id(),
        "groups",
        Html.f(
            "%s%s%s<div class=\"grid2\">%s%s</div>%s<p><a href=\"%s\">← %s</a></p>",
            Layout.heading("Dead event #" + d.id(), g.name()),
            notice,
            actions,
            Layout.card("Event", facts),
            Layout.card("Headers", Html.f("<dl class=\"kv\">%s</dl>", headers)),
            Layout.card(
                "Value, decoded through the registry",
                Html.f("<pre class=\"value\">%s</pre>", value)),
            "/groups/" + Html.segment(g.name()),
            g.name()));
  }

  private Response confirmOne(Layout.Context ctx, Request r) throws Exception {
    Sources.Group g = groups.known(r);
    long id = Long.parseLong(r.segment("id"));
    String action = r.segment("action");
    requireActions(ctx);
    String what =
        action.equals("redrive")
            ? "Redrive dead event #"
                + id
                + " of "
                + g.name()
                + ": it runs again before the later"
                + " events of its key. Fix the cause first. Its processed key keeps a redrive from"
                + " applying an effect twice."
            : "Discard dead event #"
                + id
                + " of "
                + g.name()
                + " for good: it is never applied, and"
                + " the later events of its key go on without it.";
    return confirmPage(
        ctx,
        "groups",
        "/groups",
        "Confirm: " + action + " #" + id,
        what,
        "/groups/" + Html.segment(g.name()) + "/dead/" + id + "/" + action,
        Html.EMPTY,
        action.equals("redrive") ? "Redrive" : "Discard");
  }

  private Response one(Request r) throws Exception {
    Sources.Group g = groups.known(r);
    long id = Long.parseLong(r.segment("id"));
    String action = r.segment("action");
    String target = g.name() + " #" + id;
    try {
      run(action, g, id, actor(r));
    } catch (IllegalArgumentException | IllegalStateException e) {
      audit.record(
          r.session().principal(),
          r.remoteAddress(),
          action,
          target,
          "",
          "refused: " + e.getMessage());
      return Pages.error(409, e.getMessage());
    }
    audit.record(r.session().principal(), r.remoteAddress(), action, target, "", "ok");
    return Response.redirect(
        "/groups/" + Html.segment(g.name()) + "/dead/" + id + "?done=" + action);
  }

  private Response confirmBulk(Layout.Context ctx, Request r) throws Exception {
    Sources.Group g = groups.known(r);
    requireActions(ctx);
    String action = Forms.oneOf("action", r.query("action"), ACTIONS);
    Filter f = dead(GroupsPage.filter(r));
    long count;
    try (Connection c = g.db().getConnection()) {
      count = ParkedSets.count(c, g, f);
    }
    Map<String, String> p = GroupsPage.params(r);
    p.put("state", "dead");
    p.put("action", action);
    p.put("expect", Long.toString(count));
    return confirmPage(
        ctx,
        "groups",
        "/groups",
        "Confirm: " + action + " " + count + " dead event(s)",
        (action.equals("redrive") ? "Redrive" : "Discard")
            + " every dead event of "
            + g.name()
            + " matching "
            + describe(f)
            + ": "
            + count
            + " event(s), oldest first.",
        "/groups/" + Html.segment(g.name()) + "/bulk",
        TopicsPage.carry(p),
        (action.equals("redrive") ? "Redrive " : "Discard ") + count);
  }

  private Response bulk(Layout.Context ctx, Request r) throws Exception {
    Sources.Group g = groups.known(r);
    String action = Forms.oneOf("action", r.form("action"), ACTIONS);
    Filter f = dead(GroupsPage.filter(r));
    List<Long> ids;
    try (Connection c = g.db().getConnection()) {
      ids = ParkedSets.ids(c, g, f);
    }
    String target = g.name() + " where " + describe(f);
    if (!Long.toString(ids.size()).equals(r.form("expect"))) {
      audit.record(
          r.session().principal(),
          r.remoteAddress(),
          "bulk " + action,
          target,
          "",
          "refused: the filter now matches " + ids.size());
      return Pages.error(
          409,
          "The filter now matches "
              + ids.size()
              + " dead event(s), not the "
              + r.form("expect")
              + " you confirmed. Nothing was changed: review and confirm again.");
    }
    int done = 0;
    int skipped = 0;
    for (long id : ids) {
      try {
        run(action, g, id, actor(r));
        done++;
      } catch (IllegalArgumentException | IllegalStateException e) {
        skipped++; // resolved meanwhile by someone else: their action stands
      }
    }
    audit.record(
        r.session().principal(),
        r.remoteAddress(),
        "bulk " + action,
        target,
        done + " done, " + skipped + " resolved meanwhile",
        "ok");
    return Response.html(
        200,
        Layout.page(
            ctx,
            "Bulk " + action,
            "groups",
            Html.f(
                "%s%s<p><a href=\"%s\">← %s</a></p>",
                Layout.heading("Bulk " + action, g.name()),
                Layout.notice(
                    "ok",
                    done
                        + " dead event(s) "
                        + (action.equals("redrive") ? "redriven" : "discarded")
                        + (skipped > 0
                            ? "; " + skipped + " were resolved meanwhile by someone else."
                            : ".")),
                "/groups/" + Html.segment(g.name()),
                g.name())));
  }

  private Response retryNow(Request r) throws Exception {
    Sources.Group g = groups.known(r);
    String topic = r.form("topic");
    if (!r.form("partition").matches("[0-9]{1,9}")) {
      throw new Web.BadRequest(400, "partition must be a number");
    }
    int partition = Integer.parseInt(r.form("partition"));
    String key = r.form("key");
    int rows;
    try (Connection c = g.db().getConnection()) {
      rows = ParkedSets.retryNow(c, g, topic, partition, key);
    }
    audit.record(
        r.session().principal(),
        r.remoteAddress(),
        "retry now",
        g.name() + " " + topic + "/" + partition + " key " + key,
        "",
        rows == 1 ? "ok" : "ok: nothing was waiting");
    return Response.redirect("/groups/" + Html.segment(g.name()));
  }

  private void run(String action, Sources.Group g, long id, String actor) throws Exception {
    if (action.equals("redrive")) {
      actions.redrive(g, id, actor);
    } else {
      actions.discard(g, id, actor);
    }
  }

  private static Filter dead(Filter f) {
    return new Filter("dead", f.key(), f.type(), f.error(), f.olderThan(), null);
  }

  private static String describe(Filter f) {
    StringBuilder s = new StringBuilder();
    if (!f.key().isEmpty()) s.append("key = ").append(f.key()).append("; ");
    if (!f.type().isEmpty()) s.append("type = ").append(f.type()).append("; ");
    if (!f.error().isEmpty()) s.append("error contains ").append(f.error()).append("; ");
    if (f.olderThan() != null)
      s.append("older than ").append(Fmt.duration(f.olderThan())).append("; ");
    return s.length() == 0 ? "any filter" : s.substring(0, s.length() - 2);
  }

  private static String actor(Request r) {
    return r.session().principal() + "@console(" + r.remoteAddress() + ")";
  }

  static void requireActions(Layout.Context ctx) {
    if (!ctx.canAct()) {
      throw new Web.BadRequest(403, "Refused: this console is read-only.");
    }
  }

  /** A page that asks to confirm an action; nothing happens until its form is posted. */
  static Response confirmPage(
      Layout.Context ctx,
      String section,
      String cancel,
      String title,
      String what,
      String action,
      Html fields,
      String button) {
    Html form =
        Html.f(
            "<form method=\"post\" action=\"%s\" class=\"actions\">%s%s"
                + "<button type=\"submit\" class=\"btn danger\" data-confirm-button>%s</button>"
                + " <a class=\"btn\" href=\"%s\">Cancel</a></form>",
            action,
            Layout.hidden(Security.CSRF_FIELD, ctx.session().csrf()),
            fields,
            button,
            cancel);
    return Response.ok(
        Layout.page(
            ctx,
            title,
            section,
            Html.f(
                "%s%s%s",
                Layout.heading(title, "Nothing happens until you confirm"),
                Layout.notice("warn", what),
                form)));
  }
}
