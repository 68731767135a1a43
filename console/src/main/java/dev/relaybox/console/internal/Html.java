package dev.relaybox.console.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A fragment of HTML that is safe to send. Markup comes only from templates written in this
 * module's code ({@link #f}); every value put into a template is escaped by {@link #escape}, the
 * one escaping helper, unless it is itself an {@code Html} fragment. So a key, an id, an error
 * message or a decoded payload can never become markup, whether it lands in text or in an
 * attribute.
 *
 * <pre>{@code
 * Html row = Html.f("<tr><td class=\"num\">%s</td><td>%s</td></tr>", offset, Html.link(url, key));
 * }</pre>
 */
public final class Html {

  /** The empty fragment. */
  public static final Html EMPTY = new Html("");

  private final String markup;

  private Html(String markup) {
    this.markup = markup;
  }

  /**
   * Escapes {@code & < > " '} so that {@code value} is text in an element or in a quoted attribute.
   * The one escaping function of the console.
   */
  public static String escape(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(value.length() + 16);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          // Control characters other than tab and newline are never wanted on a page.
          if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
            out.append('\uFFFD');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** {@code value} as text: escaped. */
  public static Html text(Object value) {
    return value instanceof Html html ? html : new Html(escape(String.valueOf(value)));
  }

  /**
   * Fills the {@code %s} of {@code template}, markup written in this module, with {@code args}:
   * fragments as they are, everything else ({@code null} as empty) escaped. {@code %%} is a percent
   * sign.
   *
   * @throws IllegalArgumentException when the number of {@code %s} and of arguments differ
   */
  public static Html f(String template, Object... args) {
    StringBuilder out = new StringBuilder(template.length() + 64);
    int arg = 0;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '%' && i + 1 < template.length()) {
        char next = template.charAt(i + 1);
        if (next == 's') {
          if (arg >= args.length) {
            throw new IllegalArgumentException("too few arguments for template " + template);
          }
          Object value = args[arg++];
          out.append(
              value instanceof Html html ? html.markup : value == null ? "" : escape(value + ""));
          i++;
          continue;
        }
        if (next == '%') {
          out.append('%');
          i++;
          continue;
        }
      }
      out.append(c);
    }
    if (arg != args.length) {
      throw new IllegalArgumentException("too many arguments for template " + template);
    }
    return new Html(out.toString());
  }

  /** The fragments one after the other. */
  public static Html join(Stream<Html> parts) {
    return new Html(parts.map(h -> h.markup).collect(Collectors.joining()));
  }

  /** The fragments one after the other. */
  public static Html join(Iterable<Html> parts) {
    StringBuilder out = new StringBuilder();
    parts.forEach(h -> out.append(h.markup));
    return new Html(out.toString());
  }

  /** {@code <a href="url">label</a>}; {@code url} is built by {@link #url}. */
  public static Html link(String url, Object label) {
    return f("<a href=\"%s\">%s</a>", url, label);
  }

  /**
   * A local URL: {@code path} (written in this module) with {@code params} URL-encoded as its query
   * (null values left out). The result is still escaped when it is put into a template.
   */
  public static String url(String path, Map<String, ?> params) {
    String query =
        params.entrySet().stream()
            .filter(e -> e.getValue() != null && !e.getValue().toString().isEmpty())
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue().toString(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return query.isEmpty() ? path : path + "?" + query;
  }

  /** {@code segment} encoded for a URL path. */
  public static String segment(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    return markup;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Html h && h.markup.equals(markup);
  }

  @Override
  public int hashCode() {
    return Objects.hash(markup);
  }
}
