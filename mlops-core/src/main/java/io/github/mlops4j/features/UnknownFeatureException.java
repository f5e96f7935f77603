package io.github.mlops4j.features;

import org.jspecify.annotations.Nullable;

/**
 * A feature view or feature that is not defined in this workspace was referenced.
 *
 * @since 0.1.0
 */
public final class UnknownFeatureException extends FeatureException {
  private static final long serialVersionUID = 1L;

  UnknownFeatureException(String view, @Nullable String feature, String message) {
    super(view, feature, -1, message);
  }

  static UnknownFeatureException view(String view, Iterable<String> known) {
    return new UnknownFeatureException(
        view,
        null,
        "Unknown feature view '"
            + view
            + "'; apply(FeatureView) defines it. Known views: "
            + known);
  }

  static UnknownFeatureException feature(String view, String feature, Iterable<String> known) {
    return new UnknownFeatureException(
        view,
        feature,
        "Feature view '" + view + "' has no feature '" + feature + "'. Its features: " + known);
  }
}
