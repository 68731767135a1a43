package dev.relaybox.console.internal;

import dev.relaybox.consumers.saga.SagaAdmin;
import dev.relaybox.consumers.saga.SagaState;
import dev.relaybox.consumers.saga.SagaStatus;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sagas that need a person: per consumer group, the parked sagas (a compensation failed for good,
 * or a step timed out with {@code OnTimeout.PARK}) and the running or compensating ones that have
 * not moved for longer than a threshold. Retry and compensate go through the consumer framework's
 * {@link SagaAdmin} (what {@code relaybox sagas} runs), are confirmed first and audited.
 */
final class SagasPage {

  private static final Pattern STUCK = Pattern.compile("([0-9]{1,6})([smhd])");
  private static final String DEFAULT_STUCK = "10m";
  private static final int LIMIT = 100;
  private static final String ONE =
      "/sagas/(?<group>[^/]+)/(?<type>[^/]{1,255})/(?<id>[^/]{1,255})/(?<action>retry|compensate)";

  private final GroupsPage groups;
  private final Sampler sampler;
  private final Sources sources;
  private final AuditLog audit;

  SagasPage(GroupsPage groups, Sampler sampler, Sources sources, AuditLog audit) {
    this.groups = groups;
    this.sampler = sampler;
    this.sources = sources;
    this.audit = audit;
  }

  void register(Web web, ContextFactory ctx) {
    web.get("/sagas", r -> Response.ok(list(ctx.of(r), r)));
    web.get(ONE, r -> confirm(ctx.of(r), r));
    web.post(ONE, this::act);
  }

  private Html list(Layout.Context ctx, Request r) throws Exception {
    String stuckText = r.query("stuck").isEmpty() ? DEFAULT_STUCK : r.query("stuck");
    Duration stuck = stuck(stuckText);
    List<Html> cards = new ArrayList<>();
    for (String name : groupNames()) {
      Sources.Group g = sources.group(name);
      cards.add(Layout.card(name, groupSagas(ctx, g, stuck)));
    }
    Html notice =
        r.query("done").isEmpty()
            ? Html.EMPTY
            : Layout.notice(
                "ok",
                "Done: the services' saga pollers run what was made due within their poll"
                    + " interval.");
    return Layout.page(
        ctx,
        "Sagas",
        "sagas",
        Html.f(
            "%s%s<form method=\"get\" action=\"/sagas\" class=\"filters\"><label>stuck after"
                + " <input name=\"stuck\" value=\"%s\" size=\"6\"></label>"
                + " <button class=\"btn\" type=\"submit\">Show</button></form>%s",
            Layout.heading(
                "Sagas that need you", "Parked, or not moved for " + Fmt.duration(stuck)),
            notice,
            stuckText,
            cards.isEmpty()
                ? Layout.notice("info", "No consumer group yet.")
                : Html.join(cards.stream())));
  }

  private Set<String> groupNames() {
    Set<String> names = new LinkedHashSet<>(sources.configuredGroups());
    sampler.latest().groups().forEach(g -> names.add(g.name()));
    return names;
  }

  private static Html groupSagas(Layout.Context ctx, Sources.Group g, Duration stuck)
      throws Exception {
    try (Connection c = g.db().getConnection()) {
      if (!PostgresProbe.exists(c, g.qualified("_sagas"))) {
        return Layout.notice("info", "No saga table (" + g.qualified("_sagas") + ").");
      }
    }
    SagaAdmin admin = SagaAdmin.of(g.db(), g.schema(), g.table());
    List<SagaState> sagas = new ArrayList<>(admin.list(null, SagaStatus.PARKED, null, LIMIT));
    sagas.addAll(admin.list(null, null, stuck, LIMIT));
    List<Html> rows = sagas.stream().map(s -> row(ctx, g, s)).toList();
    return Layout.table(
        List.of("saga", "status", "step", "waits for", "=attempts", "last moved", "error", ""),
        rows,
        "Nothing parked or stuck.");
  }

  private static Html row(Layout.Context ctx, Sources.Group g, SagaState s) {
    String base =
        "/sagas/"
            + Html.segment(g.name())
            + "/"
            + Html.segment(s.type())
            + "/"
            + Html.segment(s.sagaId());
    Html actions =
        ctx.canAct()
            ? Html.f(
                "<a class=\"btn\" href=\"%s\">Retry…</a> <a class=\"btn danger\" href=\"%s\">"
                    + "Compensate…</a>",
                base + "/retry", base + "/compensate")
            : Html.EMPTY;
    return Html.f(
        "<tr><td>%s <code>%s</code></td><td>%s</td><td>%s</td><td>%s</td>"
            + "<td class=\"num\">%s</td><td class=\"nowrap\">%s</td><td>%s</td><td>%s</td></tr>",
        s.type(),
        s.sagaId(),
        s.status() == SagaStatus.PARKED
            ? Layout.pill("bad", "parked while " + s.parkedFrom().name().toLowerCase())
            : Layout.pill("warn", "stuck " + s.status().name().toLowerCase()),
        s.currentStep(),
        s.pending() == null ? "" : s.pending(),
        s.attempt(),
        Fmt.time(s.updatedAt()),
        s.lastError() == null ? "" : s.lastError(),
        actions);
  }

  private Response confirm(Layout.Context ctx, Request r) {
    Sources.Group g = groups.known(r);
    DeadEventActions.requireActions(ctx);
    String action = r.segment("action");
    String what =
        action.equals("retry")
            ? "Run the current action (or compensation) of saga "
                + r.segment("type")
                + "/"
                + r.segment("id")
                + " of "
                + g.name()
                + " again with fresh attempts. Participants must be idempotent."
            : "Compensate saga "
                + r.segment("type")
                + "/"
                + r.segment("id")
                + " of "
                + g.name()
                + ": its completed steps are undone, last first.";
    return DeadEventActions.confirmPage(
        ctx,
        "sagas",
        "/sagas",
        "Confirm: " + action + " " + r.segment("id"),
        what,
        "/sagas/"
            + Html.segment(g.name())
            + "/"
            + Html.segment(r.segment("type"))
            + "/"
            + Html.segment(r.segment("id"))
            + "/"
            + action,
        Html.EMPTY,
        action.equals("retry") ? "Retry" : "Compensate");
  }

  private Response act(Request r) throws Exception {
    Sources.Group g = groups.known(r);
    String type = r.segment("type");
    String id = r.segment("id");
    String action = r.segment("action");
    String actor = r.session().principal() + "@console(" + r.remoteAddress() + ")";
    String target = g.name() + " " + type + "/" + id;
    SagaAdmin admin = SagaAdmin.of(g.db(), g.schema(), g.table());
    try {
      SagaState s =
          action.equals("retry") ? admin.retry(type, id, actor) : admin.compensate(type, id, actor);
      audit.record(
          r.session().principal(),
          r.remoteAddress(),
          "saga " + action,
          target,
          "now " + s.status().name().toLowerCase() + " at step " + s.currentStep(),
          "ok");
    } catch (IllegalArgumentException | IllegalStateException e) {
      audit.record(
          r.session().principal(),
          r.remoteAddress(),
          "saga " + action,
          target,
          "",
          "refused: " + e.getMessage());
      return Pages.error(409, e.getMessage());
    }
    return Response.redirect(Html.url("/sagas", Map.of("done", action)));
  }

  /** {@code 30s}, {@code 10m}, {@code 2h} or {@code 1d}. */
  private static Duration stuck(String text) {
    Matcher m = STUCK.matcher(text);
    if (!m.matches()) {
      throw new Web.BadRequest(400, "stuck must look like 30s, 10m, 2h or 1d, was '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
