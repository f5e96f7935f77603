package io.github.mlops4j.features;

/**
 * {@link FeatureStore#apply} was given a definition that would make stored rows unreadable: changed
 * entity keys, or a feature whose type changed. Add a new feature (or a new view) instead.
 *
 * @since 0.1.0
 */
public final class IncompatibleViewException extends FeatureException {
  private static final long serialVersionUID = 1L;

  IncompatibleViewException(String view, String field, String message) {
    super(view, field, -1, message);
  }
}
