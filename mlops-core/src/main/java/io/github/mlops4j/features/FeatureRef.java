package io.github.mlops4j.features;

/** A parsed {@code "view:feature"} reference. */
record FeatureRef(String view, String feature) {
  static final char SEPARATOR = ':';

  static FeatureRef parse(String ref) {
    if (ref == null) {
      throw new NullPointerException("feature reference");
    }
    int colon = ref.indexOf(SEPARATOR);
    if (colon <= 0 || colon == ref.length() - 1 || ref.indexOf(SEPARATOR, colon + 1) >= 0) {
      throw new IllegalArgumentException(
          "Bad feature reference '"
              + ValueType.abbreviate(ref)
              + "': write it as \"view:feature\", e.g. \"customer_stats:avg_spend_30d\"");
    }
    return new FeatureRef(ref.substring(0, colon), ref.substring(colon + 1));
  }

  @Override
  public String toString() {
    return view + SEPARATOR + feature;
  }
}
