package dev.relaybox.config.internal;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The documented keys closest to a mistyped one, by edit distance. Stateless. */
public final class NearestKeys {

  private static final int MAX_SUGGESTIONS = 3;

  private NearestKeys() {}

  /**
   * Up to three of {@code candidates} within a small edit distance of {@code key} (two edits, or
   * three for keys of 15 characters or more), closest first, then alphabetically.
   */
  public static List<String> of(String key, Collection<String> candidates) {
    int limit = key.length() >= 15 ? 3 : 2;
    return candidates.stream()
        .map(c -> Map.entry(c, distance(key, c)))
        .filter(e -> e.getValue() <= limit)
        .sorted(
            Map.Entry.<String, Integer>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(Comparator.naturalOrder())))
        .limit(MAX_SUGGESTIONS)
        .map(Map.Entry::getKey)
        .collect(Collectors.toList());
  }

  /** Levenshtein distance: insertions, deletions and substitutions, each costing one. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
