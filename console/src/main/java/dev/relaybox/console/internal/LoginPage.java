package dev.relaybox.console.internal;

import java.util.Map;
import java.util.regex.Pattern;

/** Sign-in with the bearer token or the basic credentials, and sign-out. */
final class LoginPage {

  /** Where a sign-in may send the browser back to: a local path of the console, nothing else. */
  private static final Pattern NEXT = Pattern.compile("/[A-Za-z0-9/_.-]{0,200}");

  private final Security security;
  private final AuditLog audit;

  LoginPage(Security security, AuditLog audit) {
    this.security = security;
    this.audit = audit;
  }

  void register(Web web, ContextFactory ctx) {
    web.get("/login", r -> form(ctx.of(r), r.query("next"), null));
    web.post(
        "/login",
        r -> {
          String principal = null;
          if (security.acceptsToken() && security.tokenMatches(r.form("token"))) {
            principal = "token";
          } else if (security.acceptsPassword()
              && security.credentialsMatch(r.form("user"), r.form("password"))) {
            principal = r.form("user");
          }
          if (principal == null) {
            audit.record(null, r.remoteAddress(), "sign-in", "console", "", "refused");
            return form(ctx.of(r), r.form("next"), "That did not match. Try again.");
          }
          security.close(r.session());
          Session session = security.open(principal);
          audit.record(principal, r.remoteAddress(), "sign-in", "console", "", "ok");
          return Response.redirect(next(r.form("next")))
              .with("Set-Cookie", Security.cookie(session));
        });
    web.post(
        "/logout",
        r -> {
          security.close(r.session());
          return Response.redirect(security.authenticationRequired() ? "/login" : "/")
              .with("Set-Cookie", Security.expiredCookie());
        });
  }

  private static String next(String next) {
    return NEXT.matcher(next).matches() && !next.startsWith("//") ? next : "/";
  }

  private Response form(Layout.Context ctx, String next, String error) {
    if (!security.authenticationRequired()) {
      return Response.redirect("/");
    }
    Html fields = Html.EMPTY;
    if (security.acceptsToken()) {
      fields =
          Html.f(
              "%s<label>Access token<input type=\"password\" name=\"token\" autocomplete=\"off\""
                  + " autofocus></label>",
              fields);
    }
    if (security.acceptsPassword()) {
      fields =
          Html.f(
              "%s<label>User<input type=\"text\" name=\"user\" autocomplete=\"username\"></label>"
                  + "<label>Password<input type=\"password\" name=\"password\""
                  + " autocomplete=\"current-password\"></label>",
              fields);
    }
    Html body =
        Html.f(
            "<div class=\"signin card\"><h1>Sign in</h1><p class=\"sub\">%s</p>%s"
                + "<form method=\"post\" action=\"/login\" class=\"stack\">%s%s%s"
                + "<button type=\"submit\" class=\"btn primary\">Sign in</button></form></div>",
            "This console needs the operator's token or credentials.",
            error == null ? Html.EMPTY : Layout.notice("bad", error),
            Layout.hidden(Security.CSRF_FIELD, ctx.session().csrf()),
            Layout.hidden("next", next(next)),
            fields);
    return Response.html(error == null ? 200 : 401, Layout.page(ctx, "Sign in", null, body));
  }

  static String nextUrl(String path) {
    return Html.url("/login", Map.of("next", path));
  }
}
