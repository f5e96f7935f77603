/**
 * Micrometer meters of an {@link io.github.mlops4j.serving.InferenceService}. Micrometer is an
 * optional dependency: the classes here are loaded only when a meter registry is configured.
 */
@NullMarked
package io.github.mlops4j.serving.metrics;

import org.jspecify.annotations.NullMarked;
