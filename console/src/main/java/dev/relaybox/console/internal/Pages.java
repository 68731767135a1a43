package dev.relaybox.console.internal;

/** Pages every part of the console may answer with. */
public final class Pages {

  private Pages() {}

  /** An error page with {@code status}; {@code message} is text. */
  public static Response error(int status, String message) {
    String title =
        switch (status) {
          case 400 -> "Bad request";
          case 401 -> "Sign in first";
          case 403 -> "Refused";
          case 404 -> "Not found";
          case 409 -> "Changed meanwhile";
          default -> "Something went wrong";
        };
    return Response.html(
        status,
        Layout.page(
            null,
            title,
            null,
            Html.f(
                "%s%s<p><a href=\"/\">Back to the overview</a></p>",
                Layout.heading(title, "HTTP " + status),
                Layout.notice(status >= 500 ? "bad" : "warn", message))));
  }
}
