package io.github.mlops4j.features;

/**
 * The result of {@link FeatureStore#apply(FeatureView)}.
 *
 * @param view the view's name
 * @param version its stored definition version (1, 2, ...)
 * @param changed whether this call stored a new version (false when the definition was unchanged)
 * @since 0.1.0
 */
public record AppliedView(String view, int version, boolean changed) {}
