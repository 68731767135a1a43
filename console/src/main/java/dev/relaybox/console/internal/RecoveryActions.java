package dev.relaybox.console.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.console.OffsetReset;
import dev.relaybox.console.OffsetReset.PartitionPlan;
import dev.relaybox.console.OffsetReset.Plan;
import dev.relaybox.console.OffsetReset.Start;
import dev.relaybox.console.internal.Snapshot.GroupStats;
import dev.relaybox.console.internal.Snapshot.TopicStats;
import dev.relaybox.outbox.OutboxRepublisher;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The recoveries of the topics page, with the command line's checks: a replay is planned by {@link
 * OffsetReset} (refused while the group has live members) and applied only if a new plan equals the
 * one the operator confirmed; a republish counts its window first and runs only if the count is
 * still the one confirmed. Every outcome goes to the audit trail.
 */
final class RecoveryActions {

  private final Sources sources;
  private final Sampler sampler;
  private final AuditLog audit;

  RecoveryActions(Sources sources, Sampler sampler, AuditLog audit) {
    this.sources = sources;
    this.sampler = sampler;
    this.audit = audit;
  }

  void register(Web web, ContextFactory ctx) {
    web.post("/topics/replay/plan", r -> replay(ctx.of(r), r, false));
    web.post("/topics/replay/apply", r -> replay(ctx.of(r), r, true));
    web.post("/outbox/republish/plan", r -> republish(ctx.of(r), r, false));
    web.post("/outbox/republish/apply", r -> republish(ctx.of(r), r, true));
  }

  private Response replay(Layout.Context ctx, Request r, boolean apply) {
    Snapshot s = sampler.latest();
    String group =
        Forms.oneOf("group", r.form("group"), s.groups().stream().map(GroupStats::name).toList());
    String topic =
        Forms.oneOf("topic", r.form("topic"), s.topics().stream().map(TopicStats::name).toList());
    String startKind =
        Forms.oneOf("start", r.form("start"), List.of("earliest", "timestamp", "offsets"));
    Start start =
        switch (startKind) {
          case "earliest" -> new Start.Earliest();
          case "timestamp" -> new Start.FromTimestamp(Forms.instant("time", r.form("timestamp")));
          default -> new Start.FromOffsets(Forms.offsets("offsets", r.form("offsets")));
        };
    Map<String, String> params = new LinkedHashMap<>();
    params.put("group", group);
    params.put("topic", topic);
    params.put("start", startKind);
    params.put("timestamp", r.form("timestamp"));
    params.put("offsets", r.form("offsets"));
    String target = group + " on " + topic;
    OffsetReset reset = new OffsetReset(sources.admin());
    Plan plan;
    try {
      plan = reset.plan(group, topic, start);
    } catch (OffsetReset.ActiveGroupException | IllegalArgumentException e) {
      if (apply) {
        audit.record(
            r.session().principal(),
            r.remoteAddress(),
            "replay",
            target,
            startKind,
            "refused: " + e.getMessage());
      }
      return page(ctx, "Replay refused", Layout.notice("bad", e.getMessage()), 409);
    }
    String fingerprint = fingerprint(plan);
    if (apply && fingerprint.equals(r.form("expect"))) {
      try {
        reset.apply(plan);
      } catch (OffsetReset.ActiveGroupException e) {
        audit.record(
            r.session().principal(),
            r.remoteAddress(),
            "replay",
            target,
            startKind,
            "refused: " + e.getMessage());
        return page(ctx, "Replay refused", Layout.notice("bad", e.getMessage()), 409);
      }
      audit.record(
          r.session().principal(),
          r.remoteAddress(),
          "replay",
          target,
          startKind + ", " + plan.totalToRead() + " record(s) to read again",
          "ok");
      return page(
          ctx,
          "Replay done",
          Html.f(
              "%s%s",
              Layout.notice(
                  "ok",
                  "Offsets of group "
                      + group
                      + " reset on "
                      + topic
                      + ". Start its consumers:"
                      + " already-processed event ids are skipped, so no effect happens twice."),
              planTable(plan)),
          200);
    }
    Html changed =
        apply
            ? Layout.notice(
                "warn",
                "The group's offsets or the log changed since the dry run."
                    + " Nothing was changed: review the new plan.")
            : Html.EMPTY;
    params.put("expect", fingerprint);
    Html confirm =
        Html.f(
            "<form method=\"post\" action=\"/topics/replay/apply\" class=\"actions\""
                + " data-confirm=\"Reset the offsets of %s on %s?\">%s%s"
                + "<button type=\"submit\" class=\"btn danger\">Reset the offsets</button>"
                + " <a class=\"btn\" href=\"/topics\">Cancel</a></form>",
            group,
            topic,
            Layout.hidden(Security.CSRF_FIELD, ctx.session().csrf()),
            TopicsPage.carry(params));
    return page(
        ctx,
        "Replay plan",
        Html.f(
            "%s%s<p>%s record(s) will be read again by group <b>%s</b>. Dry run: nothing changed"
                + " yet.</p>%s",
            changed, planTable(plan), Fmt.count(plan.totalToRead()), group, confirm),
        apply ? 409 : 200);
  }

  private static String fingerprint(Plan plan) {
    return plan.partitions().stream()
        .map(p -> p.partition() + ":" + p.committed() + ">" + p.newOffset())
        .collect(Collectors.joining(","));
  }

  private static Html planTable(Plan plan) {
    List<Html> rows =
        plan.partitions().stream()
            .map(
                (PartitionPlan p) ->
                    Html.f(
                        "<tr><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
                            + "<td class=\"num\">%s</td><td class=\"num\">%s</td></tr>",
                        p.partition(),
                        p.committed() == null ? "—" : Fmt.count(p.committed()),
                        Fmt.count(p.newOffset()),
                        Fmt.count(p.logEnd()),
                        Fmt.count(p.toRead())))
            .toList();
    return Layout.table(
        List.of("=partition", "=committed", "=new offset", "=log end", "=to read"), rows, "");
  }

  private Response republish(Layout.Context ctx, Request r, boolean apply) throws Exception {
    Instant from = Forms.instant("from", r.form("from"));
    Instant to = Forms.instant("to", r.form("to"));
    if (!from.isBefore(to)) {
      throw new Web.BadRequest(
          400, "from (" + from + ") must be before to (" + to + "): the window is [from, to)");
    }
    OutboxRepublisher republisher =
        OutboxRepublisher.builder()
            .dataSource(sources.outboxDb())
            .schema(sources.config().get(CommonSettings.OUTBOX_SCHEMA))
            .table(sources.config().get(CommonSettings.OUTBOX_TABLE))
            .build();
    long count;
    try {
      count = republisher.count(from, to);
    } catch (java.sql.SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return page(
            ctx,
            "No outbox table",
            Layout.notice(
                "bad",
                "The outbox table "
                    + sources.config().get(CommonSettings.OUTBOX_SCHEMA)
                    + "."
                    + sources.config().get(CommonSettings.OUTBOX_TABLE)
                    + " does not exist: check"
                    + " outbox.schema and outbox.table."),
            409);
      }
      throw e;
    }
    String window = from + " ≤ created_at < " + to;
    if (count == 0) {
      if (apply) {
        audit.record(
            r.session().principal(),
            r.remoteAddress(),
            "republish",
            window,
            "",
            "refused: nothing in the window");
      }
      return page(
          ctx,
          "Nothing to republish",
          Layout.notice(
              "warn",
              "No retained event in "
                  + window
                  + ". Is the outbox in RETAIN mode (the default mode"
                  + " deletes rows at once), and has the sweeper kept the window?"),
          apply ? 409 : 200);
    }
    if (apply && Long.toString(count).equals(r.form("expect"))) {
      long done = republisher.republish(from, to, n -> {});
      audit.record(
          r.session().principal(),
          r.remoteAddress(),
          "republish",
          window,
          done + " event(s)",
          "ok");
      return page(
          ctx,
          "Republished",
          Layout.notice(
              "ok",
              "Re-inserted "
                  + Fmt.count(done)
                  + " event(s); the relay publishes them again. Consumers skip event ids they already"
                  + " processed."),
          200);
    }
    Map<String, String> params = new LinkedHashMap<>();
    params.put("from", r.form("from"));
    params.put("to", r.form("to"));
    params.put("expect", Long.toString(count));
    Html confirm =
        Html.f(
            "<form method=\"post\" action=\"/outbox/republish/apply\" class=\"actions\""
                + " data-confirm=\"Republish %s event(s)?\">%s%s"
                + "<button type=\"submit\" class=\"btn danger\">Republish %s event(s)</button>"
                + " <a class=\"btn\" href=\"/topics\">Cancel</a></form>",
            count,
            Layout.hidden(Security.CSRF_FIELD, ctx.session().csrf()),
            TopicsPage.carry(params),
            Fmt.count(count));
    Html changed =
        apply
            ? Layout.notice(
                "warn",
                "The window changed since the dry run. Nothing was changed:"
                    + " review the new count.")
            : Html.EMPTY;
    return page(
        ctx,
        "Republish plan",
        Html.f(
            "%s<p>%s retained event(s) in %s. Dry run: nothing changed yet.</p>%s",
            changed, Fmt.count(count), window, confirm),
        apply ? 409 : 200);
  }

  private static Response page(Layout.Context ctx, String title, Html body, int status) {
    return Response.html(
        status,
        Layout.page(
            ctx,
            title,
            "topics",
            Html.f(
                "%s%s<p><a href=\"/topics\">Back to topics</a></p>",
                Layout.heading(title, "Topics & recovery"), Layout.card(title, body))));
  }
}
