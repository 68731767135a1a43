package dev.relaybox.console.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How numbers, sizes, durations and instants read on the console's pages (UTC, no locale). */
public final class Fmt {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Fmt() {}

  /** 12,345 */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A count, or an em dash when unknown. */
  public static String count(Long n) {
    return n == null ? "—" : count(n.longValue());
  }

  /** 12.3/s, 0.4/s, 1,204/s */
  public static String rate(double perSecond) {
    if (perSecond >= 100) {
      return String.format(Locale.ROOT, "%,.0f/s", perSecond);
    }
    return String.format(Locale.ROOT, "%.1f/s", Math.max(0, perSecond));
  }

  /** 512 B, 3.4 KiB, 12.0 MiB, 1.2 GiB */
  public static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** 850 ms, 12 s, 3 min 4 s, 2 h 5 min */
  public static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1_000) {
      return ms + " ms";
    }
    long s = d.toSeconds();
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return (s / 60) + " min " + (s % 60) + " s";
    }
    if (s < 86_400) {
      return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
    return (s / 86_400) + " d " + (s % 86_400 / 3600) + " h";
  }

  /** 2026-11-22 10:00:00.123 UTC */
  public static String time(Instant t) {
    return t == null ? "—" : TIME.format(t);
  }

  /** 10:00:00 (UTC) */
  public static String clock(Instant t) {
    return t == null ? "—" : CLOCK.format(t);
  }

  /** "12 s ago" relative to {@code now}. */
  public static String ago(Instant t, Instant now) {
    if (t == null) {
      return "never";
    }
    Duration d = Duration.between(t, now);
    return d.isNegative() ? "just now" : duration(d) + " ago";
  }
}
