package dev.relaybox.console.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * A small line chart of up to the last hour as inline SVG: one polyline per series, the y axis from
 * zero to the largest value, labels for the maximum and the last value. Colours come from the style
 * sheet ({@code .series-0}, ...), so the SVG carries no style attribute.
 */
public final class Chart {

  private static final int WIDTH = 560;
  private static final int HEIGHT = 140;
  private static final int LEFT = 56;
  private static final int BOTTOM = 18;
  private static final int TOP = 8;

  /** A value at a time. */
  public record Point(Instant at, double value) {}

  /** A named line. */
  public record Series(String name, List<Point> points) {}

  private Chart() {}

  /**
   * The chart of {@code series} over the hour before {@code now}; {@code label} formats values on
   * the axis.
   */
  public static Html render(
      String title, List<Series> series, Instant now, LongFunction<String> label) {
    // The window grows with the history, in steps of five minutes, up to the hour kept.
    Instant earliest = now;
    double max = 0;
    for (Series s : series) {
      for (Point p : s.points()) {
        max = Math.max(max, p.value());
        earliest = p.at().isBefore(earliest) ? p.at() : earliest;
      }
    }
    long minutes =
        Math.min(60, Math.max(5, (Duration.between(earliest, now).toMinutes() / 5 + 1) * 5));
    Instant from = now.minus(Duration.ofMinutes(minutes));
    double top = max <= 0 ? 1 : max * 1.1;
    double plotWidth = WIDTH - LEFT - 8;
    double plotHeight = HEIGHT - TOP - BOTTOM;
    List<Html> lines = new ArrayList<>();
    List<Html> legend = new ArrayList<>();
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      StringBuilder points = new StringBuilder();
      for (Point p : s.points()) {
        double x = LEFT + plotWidth * fraction(from, p.at(), now);
        double y = TOP + plotHeight * (1 - p.value() / top);
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      lines.add(
          Html.f(
              "<polyline class=\"line series-%s\" points=\"%s\"></polyline>",
              i % 6, points.toString().trim()));
      String last =
          s.points().isEmpty()
              ? "—"
              : label.apply(Math.round(s.points().get(s.points().size() - 1).value()));
      legend.add(
          Html.f(
              "<span class=\"key\"><i class=\"swatch series-%s\"></i>%s <b>%s</b></span>",
              i % 6, s.name(), last));
    }
    double base = TOP + plotHeight;
    Html grid =
        Html.f(
            "<line class=\"grid\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"></line>"
                + "<line class=\"grid\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"></line>"
                + "<text class=\"axis\" x=\"%s\" y=\"%s\" text-anchor=\"end\">%s</text>"
                + "<text class=\"axis\" x=\"%s\" y=\"%s\" text-anchor=\"end\">0</text>"
                + "<text class=\"axis\" x=\"%s\" y=\"%s\">−%s min</text>"
                + "<text class=\"axis\" x=\"%s\" y=\"%s\" text-anchor=\"middle\">−%s min</text>"
                + "<text class=\"axis\" x=\"%s\" y=\"%s\" text-anchor=\"end\">now</text>",
            LEFT,
            TOP,
            WIDTH - 8,
            TOP,
            LEFT,
            base,
            WIDTH - 8,
            base,
            LEFT - 6,
            TOP + 10,
            label.apply(Math.round(top)),
            LEFT - 6,
            base,
            LEFT,
            HEIGHT - 3,
            minutes,
            LEFT + plotWidth / 2,
            HEIGHT - 3,
            minutes % 2 == 0
                ? Long.toString(minutes / 2)
                : String.format(Locale.ROOT, "%.1f", minutes / 2.0),
            WIDTH - 8,
            HEIGHT - 3);
    return Html.f(
        "<figure class=\"chart\"><figcaption>%s</figcaption>"
            + "<svg viewBox=\"0 0 %s %s\" role=\"img\" aria-label=\"%s\">%s%s</svg>"
            + "<div class=\"legend\">%s</div></figure>",
        title, WIDTH, HEIGHT, title, grid, Html.join(lines), Html.join(legend));
  }

  private static double fraction(Instant from, Instant at, Instant to) {
    double span = Duration.between(from, to).toMillis();
    return Math.max(0, Math.min(1, Duration.between(from, at).toMillis() / span));
  }
}
