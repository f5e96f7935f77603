package io.github.mlops4j.tracking;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Ranks names by closeness to a misspelled one, for suggestions in messages: case-insensitive
 * Levenshtein distance (names cut to {@value #MAX_LENGTH} characters), ties broken by name.
 */
final class Closest {
  /** Characters of each name compared at most, which bounds the work per pair. */
  static final int MAX_LENGTH = 100;

  private Closest() {}

  static List<String> to(String target, Collection<String> candidates, int limit) {
    String t = normalize(target);
    record Scored(String name, int distance) {}
    List<Scored> scored = new ArrayList<>(candidates.size());
    for (String c : candidates) {
      scored.add(new Scored(c, distance(t, normalize(c))));
    }
    scored.sort(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name));
    List<String> out = new ArrayList<>(Math.min(limit, scored.size()));
    for (int i = 0; i < scored.size() && i < limit; i++) {
      out.add(scored.get(i).name());
    }
    return out;
  }

  private static String normalize(String s) {
    String cut = s.length() > MAX_LENGTH ? s.substring(0, MAX_LENGTH) : s;
    return cut.toLowerCase(Locale.ROOT);
  }

  /** Levenshtein distance with two rows. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] swap = prev;
      prev = cur;
      cur = swap;
    }
    return prev[b.length()];
  }
}
