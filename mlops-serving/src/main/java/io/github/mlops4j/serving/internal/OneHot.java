package io.github.mlops4j.serving.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which features of a signature are one-hot members of a categorical field. Tribuo names the
 * features of a categorical field {@code region} as {@code region@east}, {@code region@west}, ...:
 * a feature {@code base@category} is a member of group {@code base} unless {@code base} is itself a
 * feature or a field that is not a feature (an entity key, a routing key). Online validation and
 * batch column mapping both ask this class, so both see the same groups. Not API.
 */
public final class OneHot {
  private OneHot() {}

  /** The group of {@code feature}, or null if it is not a one-hot member. */
  public static @Nullable String base(
      String feature, Set<String> features, Set<String> notFeatures) {
    int at = feature.lastIndexOf('@');
    if (at <= 0) {
      return null;
    }
    String base = feature.substring(0, at);
    return features.contains(base) || notFeatures.contains(base) ? null : base;
  }

  /** The one-hot groups of {@code features}, base name to member feature names, in order. */
  public static Map<String, List<String>> groups(
      Collection<String> features, Set<String> notFeatures) {
    Set<String> names = new HashSet<>(features);
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (String f : features) {
      String base = base(f, names, notFeatures);
      if (base != null) {
        groups.computeIfAbsent(base, b -> new ArrayList<>()).add(f);
      }
    }
    return groups;
  }
}
