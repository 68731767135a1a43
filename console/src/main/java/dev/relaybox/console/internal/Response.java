package dev.relaybox.console.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What a page answers: a status, a content type, a body and extra headers. Immutable. */
public record Response(int status, String contentType, byte[] body, List<String[]> headers) {

  /** An HTML page or fragment. */
  public static Response html(int status, Html body) {
    return new Response(
        status,
        "text/html; charset=utf-8",
        body.toString().getBytes(StandardCharsets.UTF_8),
        List.of());
  }

  /** 200 with HTML. */
  public static Response ok(Html body) {
    return html(200, body);
  }

  /** Plain text, e.g. for API clients refused before any page is rendered. */
  public static Response text(int status, String body) {
    return new Response(
        status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), List.of());
  }

  /** 303 See Other to a local path (after a form post, or to the sign-in page). */
  public static Response redirect(String location) {
    if (!location.startsWith("/") || location.startsWith("//")) {
      throw new IllegalArgumentException("only local redirects: " + location);
    }
    return new Response(303, "text/plain; charset=utf-8", new byte[0], List.of())
        .with("Location", location);
  }

  /** This response with one more header. */
  public Response with(String name, String value) {
    List<String[]> more = new ArrayList<>(headers);
    more.add(new String[] {name, value});
    return new Response(status, contentType, body, List.copyOf(more));
  }
}
