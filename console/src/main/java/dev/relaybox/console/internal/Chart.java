package dev.relaybox.console.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * A small line chart of the last hour as inline SVG: one polyline per series, the y axis from zero
 * to the largest value, labels for the maximum and the last value. Colours come from the style
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
    Instant from = now.minus(Sampler.HISTORY);
    double max = 0;
    for (Series s : series) {
      for (Point p : s.points()) {
        max = Math.max(max, p.value());
      }
    }
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
                + "<text class=\"axis\" x=\"%s\" y=\"%s\">−60 min</text>"
                + "<text class=\"axis\" x=\"%s\" y=\"%s\" text-anchor=\"middle\">−30 min</text>"
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
            LEFT + plotWidth / 2,
            HEIGHT - 3,
            WIDTH - 8,
            HEIGHT - 3);
    return Html.f(
        "<figure class=\"chart\"><figcaption>%s</figcaption>"
            + "<svg viewBox=\"0 0 %s %s\" role=\"img\" aria-label=\"%s\">%s%s</svg>"
            + "<div class=\"legend\">%s</div></figure>",
        title,
        WIDTH,
        HEIGHT,
        title,
        grid,
        Html.join(lines),
        Html.join(legend));
  }

  private static double fraction(Instant from, Instant at, Instant to) {
    double span = Duration.between(from, to).toMillis();
    return Math.max(0, Math.min(1, Duration.between(from, at).toMillis() / span));
  }
}
