package io.github.mlops4j.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Names close to a misspelled one, for "did you mean" hints in messages. A candidate is close when
 * its case-insensitive Levenshtein distance to the name is at most a third of the name's length (at
 * least 2), or when one contains the other (both at least 3 characters). Closest first, ties by
 * name; names are compared on their first {@value #MAX_LENGTH} characters, which bounds the work
 * per pair. Empty when nothing is close. Not API.
 */
public final class Closest {
  /** Characters of each name compared at most. */
  public static final int MAX_LENGTH = 100;

  private Closest() {}

  /** At most {@code limit} of {@code candidates} close to {@code target}, closest first. */
  public static List<String> to(String target, Collection<String> candidates, int limit) {
    String t = normalize(target);
    int bound = Math.max(2, t.length() / 3);
    record Scored(String name, int distance) {}
    List<Scored> scored = new ArrayList<>();
    for (String c : candidates) {
      String n = normalize(c);
      int d = distance(t, n);
      boolean contains = t.length() >= 3 && n.length() >= 3 && (n.contains(t) || t.contains(n));
      if (d <= bound || contains) {
        scored.add(new Scored(c, d));
      }
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
  public static int distance(String a, String b) {
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
