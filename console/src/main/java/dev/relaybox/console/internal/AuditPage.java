package dev.relaybox.console.internal;

import java.util.List;

/** The audit trail: every action with who, when, what and the outcome, newest first. */
final class AuditPage {

  private final AuditLog audit;

  AuditPage(AuditLog audit) {
    this.audit = audit;
  }

  void register(Web web, ContextFactory ctx) {
    web.get(
        "/audit",
        r -> {
          List<Html> rows =
              audit.recent().stream()
                  .limit(200)
                  .map(
                      e ->
                          Html.f(
                              "<tr><td class=\"nowrap\">%s</td><td>%s <span class=\"muted\">%s</span>"
                                  + "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
                              Fmt.time(e.at()),
                              e.who(),
                              e.from(),
                              e.action(),
                              e.target(),
                              e.details(),
                              Layout.pill(
                                  e.outcome().startsWith("ok") ? "ok" : "warn", e.outcome())))
                  .toList();
          return Response.ok(
              Layout.page(
                  ctx.of(r),
                  "Audit",
                  "audit",
                  Html.f(
                      "%s%s",
                      Layout.heading("Audit trail", "Every action taken in this console"),
                      Layout.card(
                          "Latest actions",
                          Layout.table(
                              List.of("when", "who", "action", "target", "details", "outcome"),
                              rows,
                              "No action yet.")))));
        });
  }
}
