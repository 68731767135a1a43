package dev.relaybox.console.internal;

import java.util.List;

/**
 * The frame every page shares: the top bar with the navigation, who is signed in and the mode, and
 * the main column; plus the small building blocks pages compose (cards, pills, forms with the CSRF
 * field, notices). Styles and script are files under {@code /static/}, never inline.
 */
public final class Layout {

  /** The navigation: path, label, the section it marks active. */
  private static final List<String[]> NAV =
      List.of(
          new String[] {"/", "Overview", "overview"},
          new String[] {"/groups", "Retries & dead", "groups"},
          new String[] {"/sagas", "Sagas", "sagas"},
          new String[] {"/trace", "Trace", "trace"},
          new String[] {"/topics", "Topics & recovery", "topics"},
          new String[] {"/audit", "Audit", "audit"});

  private Layout() {}

  /** What a page needs to know about the request to frame itself. */
  public record Context(Session session, boolean readOnly, boolean signInRequired) {

    /** Whether actions are shown. */
    public boolean canAct() {
      return !readOnly;
    }
  }

  /** A whole page. {@code section} marks the navigation entry; null for none. */
  public static Html page(Context ctx, String title, String section, Html body) {
    Html nav =
        Html.join(
            NAV.stream()
                .map(
                    n ->
                        Html.f(
                            "<a href=\"%s\" class=\"%s\">%s</a>",
                            n[0], n[2].equals(section) ? "active" : "", n[1])));
    Html user = Html.EMPTY;
    if (ctx != null && ctx.session() != null && ctx.session().signedIn()) {
      Html signOut =
          ctx.signInRequired() ? form(ctx, "/logout", Html.EMPTY, "Sign out", "link") : Html.EMPTY;
      user = Html.f("<span class=\"who\">%s</span>%s", ctx.session().principal(), signOut);
    }
    Html mode =
        ctx != null && ctx.readOnly()
            ? Html.f("<span class=\"pill warn\" title=\"actions are off\">read-only</span>")
            : Html.EMPTY;
    return Html.f(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<title>%s · Relaybox</title>"
            + "<link rel=\"stylesheet\" href=\"/static/console.css\">"
            + "<script src=\"/static/console.js\" defer></script></head><body>"
            + "<header class=\"top\"><a class=\"brand\" href=\"/\"><span class=\"mark\"></span>"
            + "Relaybox</a><nav>%s</nav><div class=\"session\">%s%s</div></header>"
            + "<main>%s</main>"
            + "<footer>Relaybox console · times in UTC</footer></body></html>",
        title, nav, mode, user, body);
  }

  /** A page heading with a line under it. */
  public static Html heading(String title, Object subtitle) {
    return Html.f(
        "<div class=\"heading\"><h1>%s</h1><p class=\"sub\">%s</p></div>", title, subtitle);
  }

  /** A card with a title. */
  public static Html card(String title, Html content) {
    return Html.f("<section class=\"card\"><h2>%s</h2>%s</section>", title, content);
  }

  /** A coloured label: {@code kind} is ok, warn, bad or idle. */
  public static Html pill(String kind, Object text) {
    return Html.f("<span class=\"pill %s\">%s</span>", kind, text);
  }

  /** A notice box: {@code kind} is info, warn, bad or ok. */
  public static Html notice(String kind, Object text) {
    return Html.f("<div class=\"notice %s\">%s</div>", kind, text);
  }

  /**
   * A POST form to {@code action} carrying the session's CSRF field, {@code fields} and a submit
   * button.
   */
  public static Html form(Context ctx, String action, Html fields, String button, String kind) {
    return Html.f(
        "<form method=\"post\" action=\"%s\" class=\"inline\">"
            + "<input type=\"hidden\" name=\"%s\" value=\"%s\">%s"
            + "<button type=\"submit\" class=\"btn %s\">%s</button></form>",
        action, Security.CSRF_FIELD, ctx.session().csrf(), fields, kind, button);
  }

  /** A hidden form field. */
  public static Html hidden(String name, Object value) {
    return Html.f("<input type=\"hidden\" name=\"%s\" value=\"%s\">", name, value);
  }

  /**
   * A table with a header row; rows are {@code <tr>} fragments. A header starting with {@code =}
   * heads a column of numbers (aligned right, the {@code =} not shown).
   */
  public static Html table(List<String> headers, List<Html> rows, String empty) {
    if (rows.isEmpty()) {
      return Html.f("<p class=\"empty\">%s</p>", empty);
    }
    Html head =
        Html.join(
            headers.stream()
                .map(
                    h ->
                        h.startsWith("=")
                            ? Html.f("<th class=\"num\">%s</th>", h.substring(1))
                            : Html.f("<th>%s</th>", h)));
    return Html.f(
        "<div class=\"scroll\"><table><thead><tr>%s</tr></thead><tbody>%s</tbody></table></div>",
        head, Html.join(rows));
  }
}
